using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.Mutations;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine;

/// <summary>
/// External LSN mode (<see cref="EngineOptions.LsnMode"/>): an orchestrator (a Raft engine, a
/// sequencer) orders the writes. It sends entries with strictly increasing LSNs of its own (Raft
/// indexes, timestamps: gaps allowed), advances its low-water mark (committed and applied
/// everywhere), and may truncate the suffix it has not committed.
/// </summary>
/// <remarks>
/// <para>Each entry is logged as an <c>Ingested</c> record (its body first, as data records) and is
/// durable when its call returns, but it stays out of the object index: uncommitted entries wait
/// in the state's pending list. A <c>LowWaterMark</c> record applies the entries it passes, in LSN
/// order, so what readers see is always a prefix the orchestrator committed. A <c>TruncateSuffix</c>
/// record is the compensation record of the entries it drops. Recovery redoes all three from the
/// log, so a crash at any point leaves the same pending list and the same index, and since no
/// uncommitted entry ever reaches the tree, undoing one never has to take a change out of it.</para>
/// <para>The log's own low-water mark is held at or below the first record of the oldest entry
/// not yet committed (<see cref="WalOptions.HoldLowWaterMark"/>): sealed segments above it are not
/// handed to the erasure coder or the cold tier, and compaction cannot release them, so the cold
/// tier never holds an entry the orchestrator may still truncate (S3_HWM &lt;= LWM).</para>
/// <para>The engine's log LSNs stay its own (one per record, dense): an entry's body may span many
/// records, and compaction logs its relocations between entries. The orchestrator's LSN is a field
/// of the entry record.</para>
/// </remarks>
public sealed partial class EngineObjectStore
{
    /// <summary>Entries one low-water-mark record applies at most (bounds the index pages reserved for it).</summary>
    internal const int EntriesPerLowWaterMarkRecord = 64;

    internal static readonly IngestResult KeyTooLong = new(IngestStatus.Rejected, $"The index holds keys of up to {ObjectIndex.MaxTreeKeyBytes} bytes including the bucket name.", S3ErrorCode.KeyTooLongError);

    private static readonly IngestResult NotOrchestrated = new(IngestStatus.WrongLsnMode, "This store assigns its own LSNs (standalone mode); open it with LsnMode = External to take an orchestrator's entries.");

    private readonly Lock _ingestLock = new();
    private readonly List<ulong> _ingestFloors = []; // floors of entries whose body is being written (under _ingestLock)

    /// <summary>True when an orchestrator supplies the LSNs (<see cref="EngineOptions.LsnMode"/> External).</summary>
    public bool IsOrchestrated => _options.LsnMode == WalLsnMode.External;

    /// <summary>External mode: the newest orchestrator LSN accepted and durable (0: none).</summary>
    public ulong IngestedLsn => Volatile.Read(ref _visibleState).Ingest.LastLsn;

    /// <summary>External mode: the orchestrator's low-water mark; every entry at or below it is applied and visible.</summary>
    public ulong OrchestratorLowWaterMark => Volatile.Read(ref _visibleState).Ingest.LowWaterMark;

    /// <summary>
    /// The log's low-water mark: records at or below it are committed for good (the sink and
    /// compaction may take their segments). Standalone: the durable LSN; external: held below the
    /// oldest entry not yet committed.
    /// </summary>
    public ulong LogLowWaterMark => _wal.LowWaterMark;

    /// <summary>External mode: durable entries above the low-water mark (not visible yet).</summary>
    public int PendingEntries => Volatile.Read(ref _visibleState).Ingest.Pending.Count;

    /// <summary>Entry: create a bucket (<paramref name="created"/> from the orchestrator, so every replica agrees).</summary>
    public ValueTask<IngestResult> IngestCreateBucketAsync(ulong lsn, string bucket, DateTimeOffset created) =>
        IngestAsync(lsn, null, new CreateBucketMutation(bucket, created));

    /// <summary>Entry: delete a bucket (skipped when, at the low-water mark, it is missing or not empty).</summary>
    public ValueTask<IngestResult> IngestDeleteBucketAsync(ulong lsn, string bucket) =>
        IngestAsync(lsn, null, new DeleteBucketMutation(bucket));

    /// <summary>Entry: delete an object (skipped when, at the low-water mark, it is missing).</summary>
    public ValueTask<IngestResult> IngestDeleteObjectAsync(ulong lsn, string bucket, string key) =>
        ObjectIndex.Fits(bucket, key) ? IngestAsync(lsn, null, new DeleteObjectMutation(bucket, key)) : ValueTask.FromResult(KeyTooLong);

    /// <summary>
    /// Entry: write an object. Stream its body into the returned writer, then commit it with the
    /// object's metadata. An LSN that is already too low fails here, before any byte is written;
    /// the commit checks again (entries may race).
    /// </summary>
    public IngestResult BeginIngestPut(ulong lsn, string bucket, string key, out IngestPut? put) =>
        BeginIngestBody(lsn, new DataOwner(bucket, key, null, 0), out put);

    /// <summary>Entry: write a part of an upload an earlier entry created (skipped when, at the low-water mark, the upload is gone).</summary>
    public IngestResult BeginIngestPart(ulong lsn, string bucket, string key, string uploadId, int partNumber, out IngestPut? put) =>
        BeginIngestBody(lsn, new DataOwner(bucket, key, uploadId, partNumber), out put);

    /// <summary>Entry: start a multipart upload, with the id and initiation time the orchestrator chose (every replica agrees).</summary>
    public ValueTask<IngestResult> IngestCreateUploadAsync(ulong lsn, string bucket, MultipartUpload upload) =>
        ObjectIndex.UploadFits(bucket, upload.Key, upload.UploadId) ? IngestAsync(lsn, null, new CreateUploadMutation(bucket, upload)) : ValueTask.FromResult(KeyTooLong);

    /// <summary>
    /// Entry: complete an upload from the listed parts (by number and ETag, in ascending order).
    /// The parts are resolved when the low-water mark reaches the entry; one that is missing or
    /// has another ETag skips it (InvalidPart), and the upload stays.
    /// </summary>
    public ValueTask<IngestResult> IngestCompleteUploadAsync(ulong lsn, string bucket, string key, string uploadId, IReadOnlyList<CompletedPart> parts, ObjectInfo info) =>
        IngestAsync(lsn, null, new CompleteUploadPartsMutation(bucket, key, uploadId, [.. parts.Select(p => new CompletedPart(p.PartNumber, p.ETag))], info));

    /// <summary>Entry: abort an upload (skipped when, at the low-water mark, it is gone).</summary>
    public ValueTask<IngestResult> IngestAbortUploadAsync(ulong lsn, string bucket, string uploadId) =>
        IngestAsync(lsn, null, new AbortUploadMutation(bucket, uploadId));

    private IngestResult BeginIngestBody(ulong lsn, DataOwner owner, out IngestPut? put)
    {
        put = null;
        if (!IsOrchestrated)
        {
            return NotOrchestrated;
        }

        if (LsnTooLow(Volatile.Read(ref _writeState).Ingest, lsn) is { } refused)
        {
            return refused;
        }

        lock (_ingestLock)
        {
            var floor = _wal.LastAssignedLsn; // every record of this body comes after it
            _ingestFloors.Add(floor);
            put = new IngestPut(this, lsn, owner, floor);
        }

        return IngestResult.Ok;
    }

    /// <summary>
    /// The orchestrator's low-water mark moved to <paramref name="lowWaterMark"/> (only forward, at
    /// most the last entry's LSN): the entries it passes apply in LSN order and are visible when
    /// this returns. The result counts them and names those skipped (e.g. a PUT into a bucket an
    /// earlier entry deleted), which every replica skips alike.
    /// </summary>
    public async ValueTask<IngestResult> AdvanceLowWaterMarkAsync(ulong lowWaterMark)
    {
        if (!IsOrchestrated)
        {
            return NotOrchestrated;
        }

        var applied = 0;
        var refused = new List<IngestRefusal>();
        while (true)
        {
            // One record per bounded batch: each is a valid advance on its own.
            IngestResult? invalid = null;
            LowWaterMarkMutation? step = null;
            var appended = AppendCommit(state =>
            {
                var ingest = state.Ingest;
                if (lowWaterMark < ingest.LowWaterMark || lowWaterMark > ingest.LastLsn)
                {
                    invalid = new IngestResult(IngestStatus.WatermarkOutOfRange, $"The low-water mark may only move forward from {ingest.LowWaterMark}, up to the last entry's LSN {ingest.LastLsn}; {lowWaterMark} is outside.");
                    return Plan.Fail(S3ErrorCode.InvalidArgument);
                }

                if (lowWaterMark == ingest.LowWaterMark)
                {
                    return Plan.Nothing;
                }

                var batch = ingest.Pending.TakeWhile(p => p.Lsn <= lowWaterMark).Take(EntriesPerLowWaterMarkRecord).ToList();
                var target = batch.Count == EntriesPerLowWaterMarkRecord ? batch[^1].Lsn : lowWaterMark;
                step = new LowWaterMarkMutation(target, batch.Sum(p => p.Entry.IndexPagesNeededAt(_objects)));
                return Plan.Log(step);
            });

            var result = await FinishIngestAsync(appended, invalid);
            if (!result.IsOk || step is null)
            {
                if (applied + refused.Count > 0)
                {
                    AdvanceLogLowWaterMark(); // committed entries no longer hold the log's
                }

                return result with { Applied = applied, Refused = refused };
            }

            applied += step.Applied;
            refused.AddRange(step.Refused);
            foreach (var skipped in step.Refused)
            {
                _options.Log?.Invoke($"engine: orchestrator entry {skipped.Lsn} skipped at the low-water mark: {skipped.Reason}");
            }
        }
    }

    /// <summary>
    /// The orchestrator dropped its entries above <paramref name="afterLsn"/>: those still pending
    /// are undone, durably, before this returns, and the next entry may reuse their LSNs. Refused
    /// below the low-water mark (committed entries stay).
    /// </summary>
    public ValueTask<IngestResult> TruncateSuffixAsync(ulong afterLsn)
    {
        if (!IsOrchestrated)
        {
            return ValueTask.FromResult(NotOrchestrated);
        }

        IngestResult? invalid = null;
        var appended = AppendCommit(state =>
        {
            var ingest = state.Ingest;
            if (afterLsn < ingest.LowWaterMark)
            {
                invalid = new IngestResult(IngestStatus.BelowLowWaterMark, $"Entries up to the low-water mark {ingest.LowWaterMark} are committed; a truncation after {afterLsn} would undo them.");
                return Plan.Fail(S3ErrorCode.InvalidArgument);
            }

            return afterLsn >= ingest.LastLsn ? Plan.Nothing : Plan.Log(new TruncateSuffixMutation(afterLsn));
        });
        return FinishTruncationAsync(FinishIngestAsync(appended, invalid));
    }

    /// <summary>Undone entries no longer hold the log's low-water mark.</summary>
    private async ValueTask<IngestResult> FinishTruncationAsync(ValueTask<IngestResult> truncated)
    {
        var result = await truncated;
        AdvanceLogLowWaterMark();
        return result;
    }

    /// <summary>Logs one entry at <paramref name="lsn"/> (durable on return).</summary>
    internal ValueTask<IngestResult> IngestAsync(ulong lsn, ulong? floor, Mutation entry)
    {
        if (!IsOrchestrated)
        {
            return ValueTask.FromResult(NotOrchestrated);
        }

        IngestResult? invalid = null;
        var appended = AppendCommit(state =>
        {
            invalid = LsnTooLow(state.Ingest, lsn);
            return invalid is null
                ? Plan.Log(new IngestedMutation(lsn, floor ?? _wal.LastAssignedLsn, entry)) // no body: the entry record is its first record
                : Plan.Fail(S3ErrorCode.InvalidArgument);
        });
        return FinishIngestAsync(appended, invalid);
    }

    internal void ReleaseIngestFloor(ulong floor)
    {
        lock (_ingestLock)
        {
            _ingestFloors.Remove(floor);
        }
    }

    private static IngestResult? LsnTooLow(IngestState ingest, ulong lsn) => lsn > ingest.LastLsn
        ? null
        : new IngestResult(IngestStatus.LsnNotIncreasing, $"Entry LSN {lsn} is not above the last entry's, {ingest.LastLsn}: a duplicate or out of order. Nothing was written.");

    private async ValueTask<IngestResult> FinishIngestAsync(Appended appended, IngestResult? invalid)
    {
        if (invalid is { } refused)
        {
            return refused;
        }

        if (appended.Error != S3ErrorCode.None)
        {
            return new IngestResult(IngestStatus.Rejected, appended.Message, appended.Error);
        }

        if (appended.Lsn != 0)
        {
            var error = await AwaitVisibleAsync(appended.Lsn);
            if (error != S3ErrorCode.None)
            {
                return new IngestResult(IngestStatus.Rejected, "The entry could not be made durable.", error);
            }
        }

        return IngestResult.Ok; // a new entry only adds a floor: the log's low-water mark cannot move for it
    }

    /// <summary>
    /// Moves the log's low-water mark to just below the first record of the oldest entry not yet
    /// committed (pending, or with its body still streaming), or to the durable LSN when there is
    /// none: what lies at or below it will never be truncated, so its sealed segments may go to the
    /// sink and be released.
    /// </summary>
    private void AdvanceLogLowWaterMark()
    {
        if (!IsOrchestrated)
        {
            return;
        }

        ulong target;
        lock (_commitLock)
        {
            // Under the commit lock nothing is appended meanwhile: every later record, of any
            // entry, has an LSN above the durable LSN read here.
            target = _wal.DurableLsn;
            lock (_ingestLock)
            {
                foreach (var floor in _ingestFloors)
                {
                    target = Math.Min(target, floor);
                }
            }

            foreach (var pending in _writeState.Ingest.Pending)
            {
                target = Math.Min(target, pending.FloorLsn);
            }
        }

        if (target <= _wal.LowWaterMark)
        {
            return;
        }

        var status = _wal.AdvanceLowWaterMark(target);
        if (status is not (WalStatus.Ok or WalStatus.WatermarkOutOfRange)) // out of range: a racing call moved it further
        {
            _options.Log?.Invoke($"engine: the log's low-water mark could not move to {target}: {status}");
        }
    }
}
