using FastS3.Common.Errors;
using FastS3.Storage;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>Disk full and I/O errors: the request gets an error, nothing is half-written, reads keep working, a restart keeps every acknowledged write.</summary>
public sealed class FaultTests
{
    [Fact]
    public async Task Disk_full_fails_the_put_with_507_keeps_reads_and_recovers_when_space_returns()
    {
        var disk = new SimulatedDisk();
        var acked = new Dictionary<string, byte[]>();
        var options = new EngineOptions { SegmentSizeBytes = SmallSegmentBytes, ChunkSizeBytes = 8 << 10, CheckpointInterval = TimeSpan.Zero };
        await using (var store = disk.Open(options))
        {
            await CreateBucketAsync(store, "b");
            disk.Device.MaxSegmentFiles = disk.Device.ListSegmentIds().Count + 2;
            StoreResult<ObjectInfo> failed = default;
            string? failedKey = null;
            for (var i = 0; i < 200 && failedKey is null; i++)
            {
                var body = Body(i, 25_000);
                var put = await PutAsync(store, "b", $"k{i}", body);
                if (put.IsSuccess)
                {
                    acked[$"k{i}"] = body;
                }
                else
                {
                    failed = put;
                    failedKey = $"k{i}";
                }
            }

            Assert.NotNull(failedKey);
            Assert.Equal(S3ErrorCode.InsufficientStorage, failed.Error);
            Assert.Equal(S3ErrorCode.NoSuchKey, store.GetObject("b", failedKey).Error);
            foreach (var (key, body) in acked)
            {
                Assert.Equal(body, await GetBytesAsync(store, "b", key)); // reads keep working
            }

            Assert.Equal(acked.Count, store.ListObjects("b", new ListRequest("", null, null, 1000)).Value!.Objects.Count);

            // Space comes back (an operator freed some): writes succeed again without a restart.
            disk.Device.MaxSegmentFiles = int.MaxValue;
            var again = Body(1000, 25_000);
            Assert.True((await PutAsync(store, "b", failedKey, again)).IsSuccess);
            acked[failedKey] = again;
        }

        await using var reopened = disk.CrashCopy().Open(options);
        Assert.Equal(acked.Keys.Order(Utf8KeyComparer.Instance), reopened.ListObjects("b", new ListRequest("", null, null, 1000)).Value!.Objects.Select(o => o.Key));
        foreach (var (key, body) in acked)
        {
            Assert.Equal(body, await GetBytesAsync(reopened, "b", key));
        }
    }

    [Fact]
    public async Task Flush_failure_fails_the_put_keeps_reads_and_a_reopen_has_only_acknowledged_writes()
    {
        var disk = new SimulatedDisk();
        var options = new EngineOptions { SegmentSizeBytes = SmallSegmentBytes, CheckpointInterval = TimeSpan.Zero };
        var kept = Body(1, 90_000);
        SimulatedDisk image;
        await using (var store = disk.Open(options))
        {
            await CreateBucketAsync(store, "b");
            Assert.True((await PutAsync(store, "b", "kept", kept)).IsSuccess);

            disk.Device.FailFlushes = true;
            var put = await PutAsync(store, "b", "lost", Body(2, 10_000));
            Assert.False(put.IsSuccess);
            Assert.Equal(S3ErrorCode.SlowDown, put.Error);
            Assert.Equal(S3ErrorCode.NoSuchKey, store.GetObject("b", "lost").Error); // never visible: its commit never became durable
            Assert.False((await store.DeleteObjectAsync("b", "kept", default)).IsSuccess); // the log refuses work until reopened
            Assert.Equal(kept, await GetBytesAsync(store, "b", "kept"));               // reads keep serving
            image = disk.CrashCopy(new Random(5));
        }

        await using var reopened = image.Open(options);
        Assert.Equal(kept, await GetBytesAsync(reopened, "b", "kept"));
        Assert.Equal(S3ErrorCode.NoSuchKey, reopened.GetObject("b", "lost").Error);
        Assert.True((await PutAsync(reopened, "b", "after", Body(3, 100))).IsSuccess);
    }

    [Fact]
    public async Task A_failing_checkpoint_loses_nothing()
    {
        var disk = new SimulatedDisk();
        await using (var store = disk.Open())
        {
            await CreateBucketAsync(store, "b");
            await PutAsync(store, "b", "k", Body(1, 1000));
            disk.Checkpoints.FailWrites = true;
            Assert.Throws<IOException>(() => store.Checkpoint());
            await PutAsync(store, "b", "k2", Body(2, 1000));
        } // the close checkpoint fails too, and is only logged

        disk.Checkpoints.FailWrites = false;
        await using var reopened = disk.Open();
        Assert.Equal(Body(1, 1000), await GetBytesAsync(reopened, "b", "k"));
        Assert.Equal(Body(2, 1000), await GetBytesAsync(reopened, "b", "k2"));
    }

    [Fact]
    public async Task A_commit_record_too_large_for_a_segment_is_refused_cleanly()
    {
        // 4 KiB chunks in 64 KiB segments: a 4 MiB body needs 1,024 extents (16 KiB of commit record) - fine;
        // 20 MiB needs 5,120 (80 KiB), more than one record can hold in a 64 KiB segment.
        await using var store = new SimulatedDisk().Open(new EngineOptions { SegmentSizeBytes = SmallSegmentBytes, ChunkSizeBytes = 4096, CheckpointInterval = TimeSpan.Zero });
        await CreateBucketAsync(store, "b");
        var put = await PutAsync(store, "b", "huge", new byte[20 << 20], writeBytes: 1 << 20);
        Assert.Equal(S3ErrorCode.EntityTooLarge, put.Error);
        Assert.Equal(S3ErrorCode.NoSuchKey, store.GetObject("b", "huge").Error);
        Assert.True((await PutAsync(store, "b", "fine", Body(1, 100))).IsSuccess);
    }
}
