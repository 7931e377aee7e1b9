using System.Collections.Immutable;
using System.Diagnostics;
using FastS3.Engine.Checkpoints;
using FastS3.Engine.Index;
using FastS3.Engine.Mutations;
using FastS3.Engine.Paging;
using FastS3.Engine.State;
using FastS3.Wal;
using FastS3.Wal.Format;

namespace FastS3.Engine;

public sealed partial class EngineObjectStore
{
    // Report replay progress every 64 MiB of log or 16,384 records, whichever comes first.
    private const long ProgressEveryBytes = 64L << 20;
    private const long ProgressEveryRecords = 16_384;

    /// <summary>
    /// Rebuilds the index: load the checkpoint (the buckets, uploads and live bytes as of its
    /// applied LSN, and the object tree's record, whose pages were synced before it was written),
    /// open the tree at that record, then redo every durable commit record above it, in LSN order,
    /// on both. The WAL already cut the log at the first torn or CRC-bad record of its tail, so
    /// what replays is exactly a prefix of what was appended: a commit whose record did not
    /// become durable is absent (its upload rolled back), and data records without a commit are
    /// skipped as garbage. Tree pages written after the checkpoint are unreachable from its root
    /// and are reused.
    /// </summary>
    private static (EngineState State, ObjectIndex Objects, EngineRecoveryReport Report) RecoverIndex(WriteAheadLog wal, ICheckpointStore checkpoints, IPageDevice indexPages, EngineOptions options)
    {
        var clock = options.TimeProvider;
        var started = clock.GetTimestamp();
        var state = EngineState.Empty;
        byte[]? indexRecord = null;
        List<LegacyUpload> legacyUploads = [];
        var bytes = checkpoints.Read();
        if (bytes is not null)
        {
            (state, indexRecord, legacyUploads) = CheckpointCodec.Decode(bytes);
            options.Log?.Invoke($"engine: checkpoint loaded: {bytes.Length} bytes, {state.Buckets.Count} buckets, applied LSN {state.AppliedLsn}");
        }

        var objects = new ObjectIndex(BTree.Open(indexPages, indexRecord, options.IndexBufferPoolBytes, clock), options.ObjectCacheEntries);
        try
        {
            MoveLegacyUploads(objects, legacyUploads, state.AppliedLsn, options);
            state = Replay(wal, options, state, objects, out var report, started, resealed: legacyUploads.Count > 0);
            return (state, objects, report);
        }
        catch
        {
            objects.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A format-2 checkpoint kept uploads in progress beside the buckets; they go into the tree as
    /// of the checkpoint's LSN, before redo (whose records find them there), and the next
    /// checkpoint no longer lists them.
    /// </summary>
    private static void MoveLegacyUploads(ObjectIndex objects, List<LegacyUpload> uploads, ulong checkpointLsn, EngineOptions options)
    {
        if (uploads.Count == 0)
        {
            return;
        }

        objects.Tree.Reserve(uploads.Sum(u => ObjectIndex.PagesToWriteUpload(u.Upload) + u.Parts.Sum(p => ObjectIndex.PagesToWritePart(p.Extents.Length))));
        foreach (var (bucket, upload, parts) in uploads)
        {
            objects.PutUpload(bucket, upload, checkpointLsn);
            foreach (var part in parts)
            {
                objects.PutPart(bucket, upload.UploadId, part, checkpointLsn);
            }
        }

        options.Log?.Invoke($"engine: {uploads.Count} uploads in progress moved from a format-2 checkpoint into the index");
    }

    private static EngineState Replay(WriteAheadLog wal, EngineOptions options, EngineState state, ObjectIndex objects, out EngineRecoveryReport report, long started, bool resealed)
    {
        var clock = options.TimeProvider;
        var checkpointLsn = state.AppliedLsn;
        if (objects.Tree.CheckpointLsn != checkpointLsn)
        {
            throw new InvalidDataException($"checkpoint covers LSN {checkpointLsn} but its object tree record covers {objects.Tree.CheckpointLsn}");
        }

        if (checkpointLsn > wal.DurableLsn)
        {
            // The checkpoint only ever holds durable commits, so the log must reach at least this far.
            throw new InvalidDataException($"checkpoint covers LSN {checkpointLsn} but the log ends at {wal.DurableLsn}: log segments are missing");
        }

        var redoLsn = checkpointLsn + 1;
        var segmentBytes = (long)options.SegmentSizeBytes;
        var lastSegmentId = wal.ActiveSegmentId;
        var replayStarted = clock.GetTimestamp();
        long records = 0, commits = 0, payloadBytes = 0, nextReportBytes = ProgressEveryBytes, nextReportRecords = ProgressEveryRecords;
        ulong? firstSegmentId = null;
        var lastLsn = checkpointLsn;
        foreach (var record in wal.Replay(redoLsn))
        {
            Debug.Assert(record.Lsn >= redoLsn && record.Lsn > lastLsn, "replay is in LSN order from the redo LSN");
            lastLsn = record.Lsn;
            records++;
            payloadBytes += WalRecordHeader.RecordSizeBytes(record.Payload.Length);
            firstSegmentId ??= record.Location.SegmentId;
            if (Mutation.IsCommitRecord(record.Type))
            {
                state = Mutation.Decode(record.Type, record.Payload).Apply(state, record.Lsn, objects);
                commits++;
            }

            if (options.RecoveryProgress is { } progress && (payloadBytes >= nextReportBytes || records >= nextReportRecords))
            {
                nextReportBytes = payloadBytes + ProgressEveryBytes;
                nextReportRecords = records + ProgressEveryRecords;
                var position = ((long)(record.Location.SegmentId - firstSegmentId.Value) * segmentBytes) + record.Location.Offset;
                var total = (long)(lastSegmentId - firstSegmentId.Value + 1) * segmentBytes;
                progress(new EngineRecoveryProgress("replay", records, position, total, clock.GetElapsedTime(replayStarted)));
            }
        }

        RequireLiveExtents(state.Space, wal.FirstSegmentId);
        state = state.AppliedLsn == checkpointLsn && !resealed ? state.Sealed(objects.Tree.Visible) : state.Sealed(objects.Seal(state.AppliedLsn));
        objects.MakeVisible(state.Objects!);
        var elapsed = clock.GetElapsedTime(started);
        options.RecoveryProgress?.Invoke(new EngineRecoveryProgress("done", records, payloadBytes, payloadBytes, clock.GetElapsedTime(replayStarted)));
        var rate = elapsed.TotalSeconds > 0 ? payloadBytes / elapsed.TotalSeconds / (1 << 20) : 0;
        options.Log?.Invoke($"engine: index rebuilt from checkpoint LSN {checkpointLsn}: {records} records ({commits} commits, {payloadBytes} bytes) replayed in {elapsed.TotalMilliseconds:F0} ms ({rate:F0} MiB/s), visible LSN {state.AppliedLsn}");
        report = new EngineRecoveryReport(checkpointLsn, redoLsn, records, commits, payloadBytes, elapsed);
        return state;
    }

    /// <summary>
    /// Every extent the recovered index names must lie in a live segment: compaction releases a
    /// segment only after a checkpoint that no longer names it. Anything else is a lost segment,
    /// and serving would hand out bytes the log no longer has. The live-bytes table counts every
    /// extent of every object and part, so checking it checks them all without a scan.
    /// </summary>
    private static void RequireLiveExtents(SegmentSpace space, ulong firstSegmentId)
    {
        foreach (var (segmentId, live) in space.LiveBytes)
        {
            if (segmentId < firstSegmentId)
            {
                throw new InvalidDataException($"the index names {live} bytes in released segment {segmentId} (the first live segment is {firstSegmentId}): the log lost data the index needs");
            }
        }
    }
}
