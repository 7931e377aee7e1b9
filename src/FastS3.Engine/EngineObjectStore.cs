using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using FastS3.Common.Errors;
using FastS3.Engine.Checkpoints;
using FastS3.Engine.Format;
using FastS3.Engine.Paging;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;
using FastS3.Wal.Device;

namespace FastS3.Engine;

/// <summary>
/// The persistent <see cref="IObjectStore"/>: the WAL is the source of truth, object bodies live
/// in it as data records (WiscKey style), and an index maps (bucket, key) to metadata plus the
/// extents of those records: a copy-on-write B+tree on buffer-pool pages (<see cref="ObjectIndex"/>),
/// so the number of objects is bounded by the disk, with buckets, uploads and live bytes per
/// segment in a small immutable state beside it.
/// </summary>
/// <remarks>
/// <para>Two index states. The <em>write state</em> is the index with every appended commit
/// record applied, in LSN order, under <c>_commitLock</c>: preconditions (conditional writes,
/// BucketNotEmpty, part ETags) are checked against it in the same critical section that appends
/// the record, so two racing If-None-Match: * PUTs cannot both win. The <em>visible state</em>,
/// which every read uses, is the write state as of the highest durable commit LSN: a commit
/// becomes visible only once its record is durable, so no reader can observe a write that a
/// power cut would take back. Each state is an immutable value carrying the tree version sealed
/// with its commit; publishing is one reference store, then the tree's version becomes visible.</para>
/// <para>Failure: a failed WAL flush fails the log for good (see <see cref="WriteAheadLog"/>); the
/// write state may then hold a commit that never became durable, but no further append can
/// succeed, reads keep serving the visible state, and reopening recovers what is on disk.</para>
/// </remarks>
public sealed partial class EngineObjectStore : IObjectStore
{
    private const string WalDirectoryName = "wal";
    private const string CheckpointDirectoryName = "checkpoint";
    private const string IndexDirectoryName = "index";

    private readonly WriteAheadLog _wal;
    private readonly ICheckpointStore _checkpoints;
    private readonly EngineOptions _options;
    private readonly TimeProvider _clock;
    private readonly int _chunkSizeBytes;
    private readonly ObjectIndex _objects;
    private readonly Func<ObjectEntry, IObjectContent> _content; // one delegate for every entry's first read

    private readonly Lock _commitLock = new();
    private readonly BinaryEncoder _commitEncoder = new(); // under _commitLock
    private EngineState _writeState;                       // under _commitLock

    // Write states waiting for their commit record to become durable, in LSN order (appended under _commitLock).
    private readonly ConcurrentQueue<(ulong Lsn, EngineState State)> _pendingStates = new();
    private readonly Lock _publishLock = new();
    private EngineState _visibleState;

    // Operations touching the WAL's mappings (appends, reads) in flight; dispose waits for zero
    // before unmapping, so no span outlives its mapping.
    private int _activeOperations;
    private int _closed;

    private EngineObjectStore(WriteAheadLog wal, ICheckpointStore checkpoints, EngineOptions options, EngineState recovered, ObjectIndex objects, EngineRecoveryReport report)
    {
        _objects = objects;
        _content = entry => new EngineContent(this, entry, BodyChunker.Sum(entry.Extents));
        _wal = wal;
        _checkpoints = checkpoints;
        _options = options;
        _clock = options.TimeProvider;
        _chunkSizeBytes = Math.Min(options.ChunkSizeBytes, wal.MaxPayloadBytes - DataOwner.MaxHeaderBytes); // room for the owner header
        _writeState = recovered;
        _visibleState = recovered;
        _checkpointedLsn = report.CheckpointAppliedLsn;
        Recovery = report;
        _checkpointWake = new ManualResetEventSlim(false);
        _checkpointThread = new Thread(CheckpointLoop) { IsBackground = true, Name = "engine-checkpointer", Priority = ThreadPriority.BelowNormal };
    }

    /// <summary>What opening the store replayed.</summary>
    public EngineRecoveryReport Recovery { get; }

    /// <summary>What the log's own recovery read when the store opened (sealed segments are checked on their footers only).</summary>
    public WalRecoveryReport LogRecovery => _wal.Recovery;

    /// <summary>Background verification of the sealed segments recovery did not walk.</summary>
    public WalScrubReport LogScrub => _wal.Scrub;

    /// <summary>Every log record at or below this LSN is durable.</summary>
    public ulong DurableLsn => _wal.DurableLsn;

    /// <summary>LSN of the last commit record visible to readers.</summary>
    public ulong VisibleLsn => Volatile.Read(ref _visibleState).AppliedLsn;

    /// <summary>Largest body chunk written as one data record.</summary>
    public int ChunkSizeBytes => _chunkSizeBytes;

    /// <summary>
    /// Opens (recovering) or creates a store in <paramref name="root"/>: the log in <c>root/wal</c>,
    /// the checkpoint in <c>root/checkpoint</c>, the object index's pages in <c>root/index</c>.
    /// </summary>
    public static EngineObjectStore Open(string root, EngineOptions? options = null)
    {
        options ??= new EngineOptions();
        var device = new FileWalDevice(WalDirectoryOf(root), options.FlushMethod);
        return Open(device, new FileCheckpointStore(Path.Combine(root, CheckpointDirectoryName)), new FilePageDevice(Path.Combine(root, IndexDirectoryName)), options);
    }

    /// <summary>
    /// Opens a store on explicit devices (tests: the fault-injecting ones). The store owns
    /// <paramref name="indexPages"/> and disposes it when it closes.
    /// </summary>
    public static EngineObjectStore Open(IWalDevice walDevice, ICheckpointStore checkpoints, IPageDevice indexPages, EngineOptions? options = null)
    {
        options ??= new EngineOptions();
        options.Validate();
        var walStarted = options.TimeProvider.GetTimestamp();
        var walOptions = new WalOptions
        {
            SegmentSizeBytes = options.SegmentSizeBytes,
            Durability = options.Durability,
            TimeProvider = options.TimeProvider,
            SealedSegmentSink = options.SealedSegmentSink,
            SealedVerification = options.SealedVerification,
            SealedSegmentReader = options.SealedSegmentReader,
            Log = options.Log,
            HoldLowWaterMark = options.LsnMode == WalLsnMode.External, // the engine's LSNs stay its own; the orchestrator's LWM holds the log's
            RecoveryProgress = options.RecoveryProgress is { } progress
                ? p => progress(new EngineRecoveryProgress("wal", p.RecordsScanned, p.BytesScanned, p.TotalBytes, p.Elapsed))
                : null,
        };
        var wal = WriteAheadLog.Open(walDevice, walOptions);
        try
        {
            options.Log?.Invoke($"engine: WAL open in {options.TimeProvider.GetElapsedTime(walStarted).TotalMilliseconds:F0} ms, tail case {wal.Recovery.TailCase}, last LSN {wal.Recovery.LastLsn}");
            var (state, objects, report) = RecoverIndex(wal, checkpoints, indexPages, options);
            if (options.LsnMode != WalLsnMode.External && !state.Ingest.IsEmpty)
            {
                objects.Dispose();
                throw new InvalidOperationException($"this store has taken an orchestrator's entries (last LSN {state.Ingest.LastLsn}, low-water mark {state.Ingest.LowWaterMark}, {state.Ingest.Pending.Count} pending): open it with LsnMode = External");
            }

            var store = new EngineObjectStore(wal, checkpoints, options, state, objects, report);
            store.AdvanceLogLowWaterMark(); // entries committed before a crash release the segments they held
            store._checkpointThread.Start();
            store.StartCompactor();
            return store;
        }
        catch
        {
            wal.Dispose();
            throw;
        }
    }

    /// <summary>Counters and gauges for metrics (cheap: no I/O, one pass over the per-segment live counts).</summary>
    public EngineStatistics GetStatistics()
    {
        var segments = _wal.SegmentIds.Count;
        var pool = _objects.Tree.PoolStatistics;
        return new EngineStatistics
        {
            DurableLsn = _wal.DurableLsn,
            VisibleLsn = VisibleLsn,
            LogLowWaterMark = LogLowWaterMark,
            OrchestratorLowWaterMark = OrchestratorLowWaterMark,
            PendingEntries = PendingEntries,
            LogSegments = segments,
            LogBytes = (long)segments * _options.SegmentSizeBytes,
            LiveBytes = Volatile.Read(ref _visibleState).Space.Total,
            WriteStalls = WriteStalls,
            WritesStalled = WritesStalled,
            IndexObjects = (ulong)Volatile.Read(ref _visibleState).Buckets.Values.Sum(b => b.ObjectCount),
            IndexEntries = Volatile.Read(ref _visibleState).Objects?.EntryCount ?? 0,
            IndexPoolHits = pool.Hits,
            IndexPoolMisses = pool.Misses,
            Flushes = _wal.FlushCount,
            FlushedRecords = _wal.FlushedRecordCount,
            Checkpoints = CheckpointCount,
            RecoveryElapsed = Recovery.Elapsed,
            RecoveryRecordsReplayed = Recovery.RecordsReplayed,
            RecoveryBytesReplayed = Recovery.BytesReplayed,
            ScrubSegmentsToVerify = _wal.Scrub.SegmentsToVerify,
            ScrubSegmentsVerified = _wal.Scrub.SegmentsVerified,
            ScrubBytesVerified = _wal.Scrub.BytesVerified,
            ScrubCorruptSegments = _wal.Scrub.Corrupt.Count,
            CompactionPasses = Compaction.Passes,
            CompactionSegmentsReleased = Compaction.SegmentsReleased,
            CompactionExtentsRelocated = Compaction.ExtentsRelocated,
            CompactionBytesRelocated = Compaction.BytesRelocated,
        };
    }

    /// <summary>Live (referenced) bytes per WAL segment: what compaction would keep.</summary>
    public IReadOnlyDictionary<ulong, long> LiveBytesBySegment() => Volatile.Read(ref _visibleState).Space.LiveBytes;

    /// <summary>The log's directory under an engine root (a sealed-segment consumer reads segment files there).</summary>
    public static string WalDirectoryOf(string root) => Path.Combine(root, WalDirectoryName);

    /// <summary>Live WAL segment ids (local and offloaded).</summary>
    public IReadOnlyList<ulong> SegmentIds => _wal.SegmentIds;

    /// <summary>Live WAL segment ids whose bytes are held by the sealed-segment reader (no local file).</summary>
    public IReadOnlyList<ulong> OffloadedSegmentIds => _wal.OffloadedSegmentIds;

    public ValueTask<StoreResult<BucketInfo>> CreateBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        var created = _clock.GetUtcNow();
        var appended = AppendCommit(state => state.Bucket(bucket) is not null
            ? Plan.Fail(S3ErrorCode.BucketAlreadyOwnedByYou)
            : Plan.Log(new Mutations.CreateBucketMutation(bucket, created)));
        return FinishAsync(appended, new BucketInfo(bucket, created));
    }

    public ValueTask<StoreResult<bool>> DeleteBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        var appended = AppendCommit(state => state.Bucket(bucket) switch
        {
            null => Plan.Fail(S3ErrorCode.NoSuchBucket),
            { IsEmpty: false } => Plan.Fail(S3ErrorCode.BucketNotEmpty),
            _ => Plan.Log(new Mutations.DeleteBucketMutation(bucket)),
        });
        return FinishAsync(appended, true);
    }

    public BucketInfo? GetBucket(string bucket) => Volatile.Read(ref _visibleState).Bucket(bucket)?.Info;

    public IReadOnlyList<BucketInfo> ListBuckets() => [.. Volatile.Read(ref _visibleState).Buckets.Values.Select(b => b.Info)];

    /// <summary>
    /// Writes a checkpoint of the visible index now (it is also written every
    /// <see cref="EngineOptions.CheckpointInterval"/> and on dispose). False when nothing changed
    /// since the last one, or with <see cref="Durability.Os"/> (a checkpoint could get ahead of
    /// what the disk holds of the log; that mode recovers by full replay).
    /// </summary>
    public bool Checkpoint() => WriteCheckpoint();

    /// <summary>
    /// Stops the checkpointer, waits for in-flight appends and reads, closes the log (which flushes
    /// everything appended), then writes a final checkpoint so the next open replays nothing.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        _checkpointWake.Set();
        _checkpointThread.Join();
        StopCompactor();

        // Appenders check _closed after entering; once the count drains nobody touches the mappings.
        var spin = new SpinWait();
        while (Volatile.Read(ref _activeOperations) != 0)
        {
            spin.SpinOnce(sleep1Threshold: 20);
        }

        var walFailure = _wal.Failure;
        _wal.Dispose();
        if (walFailure == WalStatus.Ok && _options.CheckpointOnClose)
        {
            // Dispose flushed every published record: the durable LSN now covers all appended commits.
            PublishDurable();
            try
            {
                WriteCheckpoint(force: false, closing: true);
            }
            catch (IOException exception)
            {
                _options.Log?.Invoke($"engine: final checkpoint failed ({exception.Message}); the next open replays the log instead");
            }
        }

        _objects.Dispose(); // after the final checkpoint; no reader is inside (the operation count drained)
        _checkpointWake.Dispose();
        return ValueTask.CompletedTask;
    }

    private bool TryEnter()
    {
        Interlocked.Increment(ref _activeOperations);
        if (Volatile.Read(ref _closed) != 0)
        {
            Interlocked.Decrement(ref _activeOperations);
            return false;
        }

        return true;
    }

    private void Exit()
    {
        var left = Interlocked.Decrement(ref _activeOperations);
        Debug.Assert(left >= 0);
    }

    /// <summary>How a WAL outcome reaches the client: a full disk is 507, everything else (I/O error, closing) a retryable 503.</summary>
    internal static S3ErrorCode MapWalStatus(WalStatus status) => status switch
    {
        WalStatus.Ok => S3ErrorCode.None,
        WalStatus.DiskFull => S3ErrorCode.InsufficientStorage,
        WalStatus.PayloadTooLarge => S3ErrorCode.EntityTooLarge,
        _ => S3ErrorCode.SlowDown,
    };
}
