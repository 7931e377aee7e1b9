using FastS3.Common.Errors;
using FastS3.Engine.Checkpoints;
using FastS3.Storage;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>Reopening on the same folder gives back everything acknowledged: by replay alone, from a checkpoint plus replay, and from a checkpoint alone.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Reopen_restores_everything_by_replay_checkpoint_plus_replay_and_checkpoint_alone()
    {
        using var directory = new TempDirectory();
        var noCloseCheckpoint = new EngineOptions { SegmentSizeBytes = 128 << 10, CheckpointInterval = TimeSpan.Zero, CheckpointOnClose = false, ChunkSizeBytes = 32 << 10 };

        List<string> before;
        IReadOnlyDictionary<ulong, long> liveBefore;
        await using (var store = EngineObjectStore.Open(directory.Path, noCloseCheckpoint))
        {
            await PopulateAsync(store, round: 1);
            before = await StoreDump.DumpAsync(store);
            liveBefore = store.LiveBytesBySegment();
        }

        await using (var store = EngineObjectStore.Open(directory.Path, noCloseCheckpoint))
        {
            Assert.Equal(0UL, store.Recovery.CheckpointAppliedLsn); // replay only
            Assert.True(store.Recovery.CommitRecordsApplied > 10);
            Assert.Equal(before, await StoreDump.DumpAsync(store));
            Assert.Equal(liveBefore, store.LiveBytesBySegment());

            Assert.True(store.Checkpoint());
            Assert.False(store.Checkpoint()); // nothing new since
            await PopulateAsync(store, round: 2);
            before = await StoreDump.DumpAsync(store);
            liveBefore = store.LiveBytesBySegment();
        }

        var checkpointLsn = 0UL;
        await using (var store = EngineObjectStore.Open(directory.Path, noCloseCheckpoint))
        {
            checkpointLsn = store.Recovery.CheckpointAppliedLsn;
            Assert.True(checkpointLsn > 0); // checkpoint plus the records after it
            Assert.True(store.Recovery.CommitRecordsApplied > 0);
            Assert.Equal(before, await StoreDump.DumpAsync(store));
            Assert.Equal(liveBefore, store.LiveBytesBySegment());
        }

        await using (var store = EngineObjectStore.Open(directory.Path, Options(128 << 10, chunkBytes: 32 << 10)))
        {
            Assert.Equal(before, await StoreDump.DumpAsync(store));
        } // clean close writes a checkpoint

        await using (var store = EngineObjectStore.Open(directory.Path, Options(128 << 10, chunkBytes: 32 << 10)))
        {
            Assert.True(store.Recovery.CheckpointAppliedLsn > checkpointLsn);
            Assert.Equal(0, store.Recovery.RecordsReplayed); // checkpoint alone
            Assert.Equal(before, await StoreDump.DumpAsync(store));
            Assert.Equal(liveBefore, store.LiveBytesBySegment());
        }
    }

    [Fact]
    public async Task Replay_after_a_checkpoint_covers_only_the_records_after_it()
    {
        var disk = new SimulatedDisk();
        byte[] midCheckpoint;
        await using (var store = disk.Open())
        {
            await CreateBucketAsync(store, "b");
            for (var i = 0; i < 40; i++)
            {
                await PutAsync(store, "b", $"k{i}", Body(i, 20_000));
            }

            Assert.True(store.Checkpoint());
            midCheckpoint = disk.Checkpoints.Read()!;
            await PutAsync(store, "b", "last", Body(99, 1_000));
        }

        var crashed = disk.CrashCopy();
        crashed.Checkpoints.WriteDurable(midCheckpoint); // the checkpoint before the last put, not the one written at close
        await using var reopened = crashed.Open();
        Assert.Equal(2, reopened.Recovery.RecordsReplayed); // one data record and one commit: not the 80 before the checkpoint
        Assert.Equal(Body(99, 1_000), await GetBytesAsync(reopened, "b", "last"));
        Assert.Equal(Body(39, 20_000), await GetBytesAsync(reopened, "b", "k39"));
    }

    [Fact]
    public async Task Os_durability_recovers_by_replay_and_never_checkpoints_ahead_of_the_log()
    {
        using var directory = new TempDirectory();
        var options = new EngineOptions { SegmentSizeBytes = SmallSegmentBytes, Durability = Wal.Durability.Os, CheckpointInterval = TimeSpan.FromMilliseconds(1) };
        await using (var store = EngineObjectStore.Open(directory.Path, options))
        {
            await CreateBucketAsync(store, "b");
            await PutAsync(store, "b", "k", Body(1, 70_000));
            Assert.False(store.Checkpoint());
        }

        await using var reopened = EngineObjectStore.Open(directory.Path, options);
        Assert.Equal(0UL, reopened.Recovery.CheckpointAppliedLsn);
        Assert.Equal(Body(1, 70_000), await GetBytesAsync(reopened, "b", "k"));
    }

    [Fact]
    public async Task Checkpoints_are_written_periodically()
    {
        var disk = new SimulatedDisk();
        await using var store = disk.Open(Options(checkpointInterval: TimeSpan.FromMilliseconds(20)));
        await CreateBucketAsync(store, "b");
        await PutAsync(store, "b", "k", Body(1, 100));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (disk.Checkpoints.WriteCount == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(disk.Checkpoints.WriteCount > 0);
    }

    [Fact]
    public async Task Recovery_reports_progress()
    {
        var disk = new SimulatedDisk();
        await using (var store = disk.Open(new EngineOptions { SegmentSizeBytes = SmallSegmentBytes, CheckpointInterval = TimeSpan.Zero, CheckpointOnClose = false }))
        {
            await CreateBucketAsync(store, "b");
            for (var i = 0; i < 30; i++)
            {
                await PutAsync(store, "b", $"k{i}", Body(i, 10_000));
            }
        }

        var reports = new List<EngineRecoveryProgress>();
        var lines = new List<string>();
        await using var reopened = disk.Open(new EngineOptions { SegmentSizeBytes = SmallSegmentBytes, RecoveryProgress = reports.Add, Log = lines.Add });
        var done = reports.Last();
        Assert.Equal("done", done.Phase);
        Assert.Equal(61, done.RecordsScanned);
        Assert.Equal(100, done.Percent);
        Assert.Contains(reports, r => r.Phase == "wal");
        Assert.StartsWith("done: 61 records, ", done.ToString(), StringComparison.Ordinal);
        Assert.Contains("(100%)", done.ToString(), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("61 records", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_corrupt_checkpoint_refuses_to_open_instead_of_losing_the_index()
    {
        var disk = new SimulatedDisk();
        await using (var store = disk.Open())
        {
            await CreateBucketAsync(store, "b");
            await PutAsync(store, "b", "k", Body(1, 100));
        }

        var bytes = disk.Checkpoints.Read()!;
        bytes[^3] ^= 0x10;
        disk.Checkpoints.WriteDurable(bytes);
        var error = Assert.Throws<InvalidDataException>(() => disk.Open());
        Assert.Contains("CRC32C", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_ahead_of_the_log_refuses_to_open()
    {
        var disk = new SimulatedDisk();
        await using (var store = disk.Open())
        {
            await CreateBucketAsync(store, "b");
        }

        var fresh = new SimulatedDisk(checkpoints: disk.Checkpoints);
        Assert.Throws<InvalidDataException>(() => fresh.Open());
    }

    [Fact]
    public async Task Dead_bytes_leave_the_live_count_on_overwrite_delete_and_abort()
    {
        await using var store = new SimulatedDisk().Open();
        await CreateBucketAsync(store, "b");
        await PutAsync(store, "b", "k", Body(1, 50_000));
        Assert.Equal(50_000, store.LiveBytesBySegment().Values.Sum());
        await PutAsync(store, "b", "k", Body(2, 7_000));
        Assert.Equal(7_000, store.LiveBytesBySegment().Values.Sum());

        var upload = store.CreateMultipartUpload("b", Info("m", []), null, false).Value!;
        await PutPartAsync(store, "b", "m", upload.UploadId, 1, Body(3, 30_000));
        await PutPartAsync(store, "b", "m", upload.UploadId, 2, Body(4, 10_000));
        Assert.Equal(47_000, store.LiveBytesBySegment().Values.Sum());
        await store.CompleteMultipartUploadAsync("b", "m", upload.UploadId, [new(2, ETagOf(Body(4, 10_000)))], Info("m", Body(4, 10_000)), default, default);
        Assert.Equal(17_000, store.LiveBytesBySegment().Values.Sum()); // part 1 was not listed: dead

        var aborted = store.CreateMultipartUpload("b", Info("n", []), null, false).Value!;
        await PutPartAsync(store, "b", "n", aborted.UploadId, 1, Body(5, 5_000));
        await store.AbortMultipartUploadAsync("b", "n", aborted.UploadId, default);
        await store.DeleteObjectAsync("b", "k", default);
        Assert.Equal(10_000, store.LiveBytesBySegment().Values.Sum());
    }

    /// <summary>Every kind of record: buckets, puts of many sizes, overwrite, delete, completed, aborted and open uploads, a deleted bucket.</summary>
    internal static async Task PopulateAsync(IObjectStore store, int round)
    {
        var bucket = $"data-{round}";
        await CreateBucketAsync(store, bucket);
        await CreateBucketAsync(store, $"gone-{round}");
        Assert.True((await store.DeleteBucketAsync($"gone-{round}", default)).IsSuccess);
        foreach (var size in new[] { 0, 1, 4095, 32 << 10, (32 << 10) + 1, 200_000 })
        {
            var body = Body(size + round, size);
            Assert.True((await PutAsync(store, bucket, $"size/{size}", body, RichInfo($"size/{size}", body))).IsSuccess);
        }

        await PutAsync(store, bucket, "overwritten", Body(1, 70_000));
        await PutAsync(store, bucket, "overwritten", Body(2, 3_000));
        await PutAsync(store, bucket, "deleted", Body(3, 9_000));
        Assert.True((await store.DeleteObjectAsync(bucket, "deleted", default)).IsSuccess);

        var completed = store.CreateMultipartUpload(bucket, RichInfo("multi", []), "CRC32C", false).Value!;
        var p1 = Body(10 + round, 100_000);
        var p2 = Body(20 + round, 45_000);
        await PutPartAsync(store, bucket, "multi", completed.UploadId, 1, p1);
        await PutPartAsync(store, bucket, "multi", completed.UploadId, 2, p2);
        var done = await store.CompleteMultipartUploadAsync(bucket, "multi", completed.UploadId, [new(1, ETagOf(p1)), new(2, ETagOf(p2))], RichInfo("multi", []) with { ETag = "\"m-2\"", PartsCount = 2 }, default, default);
        Assert.True(done.IsSuccess);

        var aborted = store.CreateMultipartUpload(bucket, Info("aborted", []), null, false).Value!;
        await PutPartAsync(store, bucket, "aborted", aborted.UploadId, 1, Body(30, 1_000));
        Assert.True((await store.AbortMultipartUploadAsync(bucket, "aborted", aborted.UploadId, default)).IsSuccess);

        var open = store.CreateMultipartUpload(bucket, Info("open", []), "SHA256", true).Value!;
        await PutPartAsync(store, bucket, "open", open.UploadId, 3, Body(40, 12_345));
        Assert.Equal(S3ErrorCode.BucketNotEmpty, (await store.DeleteBucketAsync(bucket, default)).Error);
    }

    [Fact]
    public async Task Restart_reads_the_log_after_the_checkpoint_not_the_whole_log()
    {
        using var directory = new TempDirectory();
        var options = new EngineOptions { SegmentSizeBytes = 128 << 10, ChunkSizeBytes = 32 << 10, CheckpointInterval = TimeSpan.Zero, CompactionInterval = TimeSpan.Zero, CheckpointOnClose = false };
        var model = new Dictionary<string, byte[]>();
        await using (var store = EngineObjectStore.Open(directory.Path, options))
        {
            await CreateBucketAsync(store, "b");
            for (var i = 0; i < 80; i++)
            {
                Assert.True((await PutAsync(store, "b", $"k{i}", model[$"k{i}"] = Body(i, 40_000))).IsSuccess);
            }

            Assert.True(store.Checkpoint());
            for (var i = 0; i < 3; i++)
            {
                Assert.True((await PutAsync(store, "b", $"late{i}", model[$"late{i}"] = Body(100 + i, 10_000))).IsSuccess);
            }

            Assert.True(store.SegmentIds.Count > 20);
        } // no closing checkpoint: as after a crash

        await using var reopened = EngineObjectStore.Open(directory.Path, options);

        // The log walked only its unsealed tail; replay read only what followed the checkpoint.
        Assert.True(reopened.LogRecovery.BytesScanned <= 128 << 10, $"the log walked {reopened.LogRecovery.BytesScanned} bytes at open");
        Assert.InRange(reopened.Recovery.CommitRecordsApplied, 3, 3);
        Assert.True(reopened.Recovery.BytesReplayed < 3 * (128 << 10), $"replayed {reopened.Recovery.BytesReplayed} bytes");
        foreach (var (key, bytes) in model)
        {
            Assert.Equal(bytes, await GetBytesAsync(reopened, "b", key));
        }

        // Everything else is verified in the background, and found clean.
        await reopened.LogScrub.Completion.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Empty(reopened.LogScrub.Corrupt);
        Assert.True(reopened.LogScrub.SegmentsVerified > 20);
    }
}
