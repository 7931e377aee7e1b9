using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics;
using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.Mutations;
using FastS3.Engine.State;
using FastS3.Wal;

namespace FastS3.Engine;

public sealed partial class EngineObjectStore
{
    // Report copy progress every 64 MiB: about half a second of copying at disk speed.
    private const long CompactionProgressEveryBytes = 64L << 20;

    private readonly Lock _compactionLock = new();
    private readonly ReadGrace _readGrace = new();
    private readonly WriterPins _writerPins = new();
    private readonly ManualResetEventSlim _compactionWake = new(false);
    private Thread? _compactionThread;

    /// <summary>Compaction counters since open.</summary>
    public CompactionProgress Compaction { get; } = new();

    /// <summary>
    /// Runs one compaction pass now (it also runs every <see cref="EngineOptions.CompactionInterval"/>).
    /// <paramref name="force"/> ignores <see cref="EngineOptions.CompactionLiveFraction"/> and
    /// rewrites the oldest sealed segments whatever their live fraction (tests, and an operator who
    /// wants space back now).
    /// </summary>
    public CompactionResult Compact(bool force = false)
    {
        lock (_compactionLock)
        {
            var result = CompactPass(force);
            if (result.SegmentsRewritten > 0 || result.SegmentsReleased > 0)
            {
                Compaction.Add(result);
            }

            UpdateWriteStall();
            SignalCompactionProgress();
            return result;
        }
    }

    /// <summary>
    /// The compactor: a dedicated low-priority thread (copies and checkpoints must not run on
    /// request threads), waking every <see cref="EngineOptions.CompactionInterval"/> and then
    /// running passes back to back while they release space.
    /// </summary>
    private void CompactionLoop() =>
        RunPeriodically(_compactionWake, _options.CompactionInterval, "compaction", () =>
        {
            // Under a write burst one pass per interval falls behind: keep going while passes
            // release space (each is bounded by CompactionMaxSegmentsPerPass), then sleep.
            while (Volatile.Read(ref _closed) == 0 && Compact().Outcome == CompactionOutcome.Released)
            {
            }
        });

    private void StartCompactor()
    {
        if (_options.CompactionInterval > TimeSpan.Zero && _options.CompactionLiveFraction > 0)
        {
            _compactionThread = new Thread(CompactionLoop) { IsBackground = true, Name = "engine-compactor", Priority = ThreadPriority.BelowNormal };
            _compactionThread.Start();
        }
    }

    private void StopCompactor()
    {
        _compactionWake.Set();
        _compactionThread?.Join();
        _compactionWake.Dispose();
    }

    /// <summary>
    /// One pass, oldest segments first (a log-structured store reclaims from its head, as FASTER's
    /// log compaction does): this keeps the live log one contiguous range of segment ids, so
    /// recovery and release stay simple, and bounds the disk used to about live bytes / threshold
    /// plus a few segments. The steps, each a precondition of the next:
    /// 1. copy the live extents of the victims to new data records and commit a relocation per
    ///    object or part (decided under the commit lock: a version overwritten meanwhile is not moved);
    /// 2. under the commit lock, find the longest prefix of segments that no index entry and no
    ///    in-flight body references;
    /// 3. wait until that state is durable and visible, then until every reader that might hold an
    ///    older state has left (<see cref="ReadGrace"/>);
    /// 4. checkpoint, so recovery never needs the prefix; 5. release it.
    /// </summary>
    private CompactionResult CompactPass(bool force)
    {
        var started = _clock.GetTimestamp();
        CompactionResult Done(CompactionOutcome outcome, int rewritten = 0, long extents = 0, long bytes = 0, ulong through = 0, int released = 0) =>
            new(outcome, rewritten, extents, bytes, through, released, _clock.GetElapsedTime(started));

        if (_options.Durability != Durability.Fsync)
        {
            return Done(CompactionOutcome.Disabled); // no checkpoints, so the log can never be cut
        }

        if (!TryEnter())
        {
            return Done(CompactionOutcome.Failed);
        }

        try
        {
            PublishDurable();
            AdvanceLogLowWaterMark(); // external mode: segments of entries committed since are releasable
            var victims = ChooseVictims(force);
            long extents = 0, bytes = 0;
            if (victims.Count > 0)
            {
                var copied = Relocate(victims, out extents, out bytes, out var lastLsn);
                if (copied != S3ErrorCode.None)
                {
                    _options.Log?.Invoke($"engine: compaction stopped: {copied} while copying (nothing released)");
                    return Done(CompactionOutcome.Failed, victims.Count, extents, bytes);
                }

                if (lastLsn != 0 && WaitVisible(lastLsn) != S3ErrorCode.None)
                {
                    return Done(CompactionOutcome.Failed, victims.Count, extents, bytes);
                }
            }

            var (through, count, mark) = ReleasablePrefix();
            if (count == 0)
            {
                return Done(victims.Count > 0 ? CompactionOutcome.Deferred : CompactionOutcome.NotNeeded, victims.Count, extents, bytes);
            }

            if (WaitVisible(mark) != S3ErrorCode.None)
            {
                return Done(CompactionOutcome.Failed, victims.Count, extents, bytes);
            }

            if (!_readGrace.WaitForEarlierReaders(_options.CompactionReaderGrace))
            {
                _options.Log?.Invoke($"engine: compaction deferred: a reader has held an old version for over {_options.CompactionReaderGrace.TotalSeconds:F0} s");
                return Done(CompactionOutcome.Deferred, victims.Count, extents, bytes);
            }

            // The checkpoint must cover `mark`, the first state that names none of the prefix.
            WriteCheckpoint(force: true);
            if (Volatile.Read(ref _checkpointedLsn) < mark)
            {
                return Done(CompactionOutcome.Deferred, victims.Count, extents, bytes);
            }

            var status = _wal.ReleaseSegmentsThrough(through);
            if (status != WalStatus.Ok)
            {
                _options.Log?.Invoke($"engine: compaction could not release segments through {through}: {status}");
                return Done(CompactionOutcome.Deferred, victims.Count, extents, bytes);
            }

            var result = Done(CompactionOutcome.Released, victims.Count, extents, bytes, through, count);
            var seconds = result.Elapsed.TotalSeconds;
            _options.Log?.Invoke($"engine: compaction released {count} segments through {through}: {extents} extents, {bytes / (1 << 20)} MiB copied in {result.Elapsed.TotalMilliseconds:F0} ms ({(seconds > 0 ? bytes / seconds / (1 << 20) : 0):F0} MiB/s)");
            return result;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// The oldest sealed segments, while the sealed log's live fraction is under the threshold (or
    /// all of them, up to the per-pass cap, when forced). Segments with no live bytes are not
    /// victims: they need no copy and the release takes them with the prefix. Only segments the
    /// log could release now are considered: in external LSN mode, those above its low-water mark
    /// hold entries an orchestrator may still truncate, and copying around them would be redone
    /// every pass until it commits them.
    /// </summary>
    private List<ulong> ChooseVictims(bool force)
    {
        var space = Volatile.Read(ref _visibleState).Space;
        long LiveOf(ulong id) => space.LiveOf(id);
        var active = _wal.ActiveSegmentId;
        var releasable = _wal.AnnouncedThroughSegmentId;
        var sealedIds = _wal.SegmentIds.Where(id => id < active && id <= releasable).ToList();
        var segmentBytes = (double)_options.SegmentSizeBytes;
        var sealedLive = sealedIds.Sum(LiveOf);
        var victims = new List<ulong>();
        for (var i = 0; i < sealedIds.Count && victims.Count < _options.CompactionMaxSegmentsPerPass; i++)
        {
            var remaining = sealedIds.Count - i;
            if (!force && (remaining < 2 || sealedLive / (remaining * segmentBytes) >= _options.CompactionLiveFraction))
            {
                break;
            }

            var id = sealedIds[i];
            if (LiveOf(id) > 0)
            {
                victims.Add(id);
            }

            sealedLive -= LiveOf(id);
        }

        return victims;
    }

    /// <summary>Copies every live extent in <paramref name="victims"/> and commits one relocation per object or part.</summary>
    private S3ErrorCode Relocate(List<ulong> victims, out long extents, out long bytes, out ulong lastLsn)
    {
        extents = 0;
        bytes = 0;
        lastLsn = 0;
        var victimSet = victims.ToHashSet();
        var space = Volatile.Read(ref _visibleState).Space;
        var total = victims.Sum(space.LiveOf);
        var copyStarted = _clock.GetTimestamp();
        var nextReport = CompactionProgressEveryBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(_chunkSizeBytes);
        var pin = PinActiveSegment(); // the copies are bodies in flight until their relocation commits
        try
        {
            // Candidates from the visible state; each relocation is re-decided against the write state.
            foreach (var target in RelocationTargets(victimSet))
            {
                var moves = ImmutableArray.CreateBuilder<ExtentMove>();
                var ownerHeader = new DataOwner(target.Bucket, target.Key, target.UploadId, target.PartNumber).EncodeHeader();
                foreach (var from in target.Extents)
                {
                    if (!victimSet.Contains(from.SegmentId))
                    {
                        continue;
                    }

                    if (from.LengthBytes > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer); // written with a larger chunk size than this run's
                        buffer = ArrayPool<byte>.Shared.Rent(from.LengthBytes);
                    }

                    var chunk = buffer.AsSpan(0, from.LengthBytes);
                    if (TryReadData(from, chunk) != ExtentRead.Ok)
                    {
                        return S3ErrorCode.SlowDown; // closing (victims are released only by this pass)
                    }

                    var error = AppendData(ownerHeader, chunk, out var to);
                    if (error != S3ErrorCode.None)
                    {
                        return error;
                    }

                    moves.Add(new ExtentMove(from, to));
                    bytes += from.LengthBytes;
                }

                var mutation = new RelocateExtentsMutation(target.Bucket, target.Key, target.UploadId, target.PartNumber, moves.DrainToImmutable());
                var appended = AppendCommit(current => StillReferenced(current, target, mutation) ? Plan.Log(mutation) : Plan.Nothing);
                if (appended.Error != S3ErrorCode.None)
                {
                    return appended.Error;
                }

                if (appended.Lsn != 0)
                {
                    extents += mutation.MoveCount;
                    lastLsn = appended.Lsn;
                }

                if (bytes >= nextReport && _options.Log is { } log)
                {
                    nextReport = bytes + CompactionProgressEveryBytes;
                    var seconds = _clock.GetElapsedTime(copyStarted).TotalSeconds;
                    log($"engine: compaction copied {bytes >> 20} of {total >> 20} MiB ({(total > 0 ? 100.0 * bytes / total : 100):F0}%), {extents} extents, {(seconds > 0 ? bytes / seconds / (1 << 20) : 0):F0} MiB/s");
                }
            }

            return S3ErrorCode.None;
        }
        finally
        {
            UnpinSegment(pin);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Objects and parts of the visible state with at least one extent in <paramref name="victims"/>.
    /// The victims' data records name their owners, so the pass asks the index only about those
    /// (one lookup per owner): its cost follows the victims' records, not the number of objects.
    /// A part's records also name the object its upload completes into (same key).
    /// </summary>
    private List<RelocationTarget> RelocationTargets(HashSet<ulong> victims)
    {
        var owners = new HashSet<DataOwner>();
        foreach (var segmentId in victims.Order())
        {
            if (!TryEnter())
            {
                return [];
            }

            try
            {
                foreach (var record in _wal.ReplaySegment(segmentId))
                {
                    if (record.Type == EngineRecordType.Data)
                    {
                        var owner = DataOwner.Decode(record.Payload, out _);
                        owners.Add(owner);
                        if (owner.UploadId is not null)
                        {
                            owners.Add(owner with { UploadId = null, PartNumber = 0 });
                        }
                    }
                }
            }
            finally
            {
                Exit();
            }
        }

        bool Touches(ImmutableArray<WalLocation> extents)
        {
            foreach (var extent in extents)
            {
                if (victims.Contains(extent.SegmentId))
                {
                    return true;
                }
            }

            return false;
        }

        var targets = new List<RelocationTarget>();
        if (!TryEnter())
        {
            return targets;
        }

        try
        {
            using var reading = _objects.EnterRead();
            var state = Volatile.Read(ref _visibleState);
            foreach (var owner in owners)
            {
                if (state.Bucket(owner.Bucket) is null)
                {
                    continue;
                }

                ImmutableArray<WalLocation> extents;
                if (owner.UploadId is null)
                {
                    extents = _objects.Find(state.Objects!, owner.Bucket, owner.Key)?.Extents ?? [];
                }
                else
                {
                    extents = _objects.GetPart(state.Objects!, owner.Bucket, owner.UploadId, owner.PartNumber)?.Extents ?? [];
                }

                if (Touches(extents))
                {
                    targets.Add(new RelocationTarget(owner.Bucket, owner.Key, owner.UploadId, owner.PartNumber, extents));
                }
            }

            return targets;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Under the commit lock: does the target still reference every extent the mutation moves?</summary>
    private bool StillReferenced(EngineState state, RelocationTarget target, RelocateExtentsMutation mutation)
    {
        if (state.Bucket(target.Bucket) is null)
        {
            return false;
        }

        ImmutableArray<WalLocation> current;
        if (target.UploadId is null)
        {
            if (_objects.GetForWrite(target.Bucket, target.Key) is not { } entry)
            {
                return false;
            }

            current = entry.Extents;
        }
        else if (_objects.GetPart(null, target.Bucket, target.UploadId, target.PartNumber) is { } part)
        {
            current = part.Extents;
        }
        else
        {
            return false;
        }

        return mutation.Applies(current);
    }

    /// <summary>
    /// Under the commit lock: the longest run of segments from the first live one that no index
    /// entry (live bytes) and no in-flight body (pins) references, and the write state's LSN at
    /// that moment — the first state that names none of them. No later commit can name them: a
    /// body that could is pinned, and sealed segments take no new appends.
    /// </summary>
    private (ulong Through, int Count, ulong Mark) ReleasablePrefix()
    {
        lock (_commitLock)
        {
            var live = _writeState.Space.LiveBytes;
            var lowestPin = _writerPins.Lowest;
            var active = _wal.ActiveSegmentId;
            ulong through = 0;
            var count = 0;
            foreach (var id in _wal.SegmentIds)
            {
                if (id >= active || id >= lowestPin || live.ContainsKey(id))
                {
                    break;
                }

                through = id;
                count++;
            }

            return (through, count, _writeState.AppliedLsn);
        }
    }

    /// <summary>Blocks the compactor until <paramref name="lsn"/> is durable and published to readers.</summary>
    private S3ErrorCode WaitVisible(ulong lsn)
    {
        var waited = AwaitVisibleAsync(lsn);
        return waited.IsCompleted ? waited.Result : waited.AsTask().GetAwaiter().GetResult();
    }

    private readonly record struct RelocationTarget(string Bucket, string Key, string? UploadId, int PartNumber, ImmutableArray<WalLocation> Extents);
}
