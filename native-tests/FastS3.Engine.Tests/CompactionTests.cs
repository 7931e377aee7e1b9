using FastS3.Common.Errors;
using FastS3.Storage;
using FastS3.Wal.Device;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>
/// Compaction reclaims the space of overwritten and deleted versions: live extents of the oldest
/// segments move to the head of the log, the index is repointed, and the old segments are
/// released only after a checkpoint no longer needs them. Readers and in-flight writers never
/// lose bytes to it.
/// </summary>
public sealed class CompactionTests
{
    private const int SegmentBytes = 64 << 10;

    [Fact]
    public async Task Overwrite_heavy_workload_stays_within_twice_the_live_bytes_plus_a_few_segments()
    {
        using var directory = new TempDirectory();
        var options = Options(SegmentBytes, chunkBytes: 8 << 10);
        var model = new Dictionary<string, byte[]>();
        var random = new Random(7);
        long maxSegmentsSeen = 0;
        await using (var store = EngineObjectStore.Open(directory.Path, options))
        {
            await CreateBucketAsync(store, "b");
            for (var round = 0; round < 40; round++)
            {
                for (var k = 0; k < 12; k++)
                {
                    var key = $"key-{k}";
                    var body = Body(random.Next(), random.Next(1, 12_000));
                    Assert.True((await PutAsync(store, "b", key, body)).IsSuccess);
                    model[key] = body;
                }

                var result = store.Compact();
                Assert.NotEqual(CompactionOutcome.Failed, result.Outcome);
                var segments = store.SegmentIds.Count;
                maxSegmentsSeen = Math.Max(maxSegmentsSeen, segments);

                // The stated bound: live / 0.5 (the threshold) + the active segment + one segment of slack per pass.
                var live = store.LiveBytesBySegment().Values.Sum();
                var bound = (2 * live / SegmentBytes) + 3;
                Assert.True(segments <= bound, $"round {round}: {segments} segments for {live} live bytes (bound {bound})");
            }

            Assert.True(store.Compaction.SegmentsReleased > 10, $"only {store.Compaction.SegmentsReleased} segments released");
            Assert.True(store.SegmentIds[0] > 10, "the log's head moved");
            await AssertModelAsync(store, model);

            // Files on disk are what the log says: released segments are gone or recycled, not kept.
            var files = Directory.GetFiles(Path.Combine(directory.Path, "wal"), "*.seg").Length;
            Assert.True(files <= store.SegmentIds.Count + 1 + 4, $"{files} segment files on disk for {store.SegmentIds.Count} live segments");
        }

        await using (var reopened = EngineObjectStore.Open(directory.Path, options))
        {
            await AssertModelAsync(reopened, model);
        }
    }

    [Fact]
    public async Task Reopen_after_compaction_without_a_closing_checkpoint_replays_relocations()
    {
        var disk = new SimulatedDisk();
        var options = new EngineOptions { SegmentSizeBytes = SegmentBytes, ChunkSizeBytes = 8 << 10, CheckpointInterval = TimeSpan.Zero, CompactionInterval = TimeSpan.Zero, CheckpointOnClose = false };
        var model = new Dictionary<string, byte[]>();
        await using (var store = disk.Open(options))
        {
            await CreateBucketAsync(store, "b");
            for (var i = 0; i < 60; i++)
            {
                var key = $"k{i % 7}";
                model[key] = Body(i, 5_000 + (i * 97));
                Assert.True((await PutAsync(store, "b", key, model[key])).IsSuccess);
            }

            // An open upload whose parts sit in the oldest segments: they move too.
            var upload = store.CreateMultipartUpload("b", Info("mp", []), null, false).Value!;
            Assert.True((await PutPartAsync(store, "b", "mp", upload.UploadId, 1, Body(100, 30_000))).IsSuccess);
            for (var i = 0; i < 40; i++)
            {
                Assert.True((await PutAsync(store, "b", $"k{i % 7}", model[$"k{i % 7}"] = Body(1000 + i, 9_000))).IsSuccess);
            }

            var result = store.Compact(force: true);
            Assert.Equal(CompactionOutcome.Released, result.Outcome);
            Assert.True(result.ExtentsRelocated > 0);

            // Relocations committed after the compaction's checkpoint must replay on top of it.
            Assert.True((await PutAsync(store, "b", "after", model["after"] = Body(5, 20_000))).IsSuccess);
            Assert.Equal(CompactionOutcome.Released, store.Compact(force: true).Outcome);
            var completed = await store.CompleteMultipartUploadAsync("b", "mp", upload.UploadId, [new CompletedPart(1, ETagOf(Body(100, 30_000)))], Info("mp", []), default, default);
            Assert.True(completed.IsSuccess);
            model["mp"] = Body(100, 30_000);
            await AssertModelAsync(store, model);

            // The completed object's bytes are the part's records (owned by the upload): compaction
            // finds them through the object of the same key and moves them, so every segment
            // written so far can be released.
            var writtenThrough = store.SegmentIds.Max();
            for (var i = 0; i < 40; i++)
            {
                Assert.True((await PutAsync(store, "b", $"k{i % 7}", model[$"k{i % 7}"] = Body(2000 + i, 9_000))).IsSuccess);
            }

            for (var pass = 0; pass < 4 && store.SegmentIds.Min() <= writtenThrough; pass++)
            {
                store.Compact(force: true);
            }

            Assert.True(store.SegmentIds.Min() > writtenThrough, $"segments from {store.SegmentIds.Min()} kept; all through {writtenThrough} should be released");
            Assert.True((await PutAsync(store, "b", "tail", model["tail"] = Body(6, 3_000))).IsSuccess); // replayed on reopen
            await AssertModelAsync(store, model);
        }

        await using (var reopened = disk.Open(options))
        {
            Assert.True(reopened.Recovery.CommitRecordsApplied > 0);
            await AssertModelAsync(reopened, model);
        }
    }

    [Fact]
    public async Task A_read_in_progress_holds_back_the_release_until_it_finishes()
    {
        var disk = new SimulatedDisk();
        var options = new EngineOptions { SegmentSizeBytes = SegmentBytes, ChunkSizeBytes = 8 << 10, CheckpointInterval = TimeSpan.Zero, CompactionInterval = TimeSpan.Zero, CompactionReaderGrace = TimeSpan.FromMilliseconds(200) };
        await using var store = disk.Open(options);
        await CreateBucketAsync(store, "b");
        var old = Body(1, 40_000);
        Assert.True((await PutAsync(store, "b", "k", old)).IsSuccess);
        var held = store.GetObject("b", "k").Value!;
        Assert.True((await PutAsync(store, "b", "k", Body(2, 40_000))).IsSuccess); // the held version is now dead
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await PutAsync(store, "b", $"fill{i}", Body(10 + i, 30_000))).IsSuccess);
        }

        // Start reading the old version, then compact while the read is half done.
        var read = new MemoryStream();
        await using (var chunks = held.Content.ReadAsync(0, old.Length, default).GetAsyncEnumerator())
        {
            Assert.True(await chunks.MoveNextAsync());
            read.Write(chunks.Current.Span);
            Assert.Equal(CompactionOutcome.Deferred, store.Compact(force: true).Outcome);
            while (await chunks.MoveNextAsync())
            {
                read.Write(chunks.Current.Span);
            }
        }

        Assert.Equal(old, read.ToArray());
        Assert.Equal(CompactionOutcome.Released, store.Compact(force: true).Outcome);

        // The reclaimed version cannot be read any more, and says so instead of returning other bytes.
        await Assert.ThrowsAsync<ObjectVersionGoneException>(() => ReadAllAsync(held.Content));
    }

    [Fact]
    public async Task A_version_moved_between_lookup_and_read_is_read_from_its_new_place()
    {
        var disk = new SimulatedDisk();
        await using var store = disk.Open(Options(SegmentBytes, chunkBytes: 8 << 10));
        await CreateBucketAsync(store, "b");
        var body = Body(3, 100_000);
        Assert.True((await PutAsync(store, "b", "keep", body)).IsSuccess);
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await PutAsync(store, "b", "churn", Body(20 + i, 30_000))).IsSuccess);
        }

        var held = store.GetObject("b", "keep").Value!;
        var result = store.Compact(force: true);
        Assert.Equal(CompactionOutcome.Released, result.Outcome);
        Assert.True(result.ExtentsRelocated > 0);
        Assert.Equal(body, await ReadAllAsync(held.Content));
        Assert.Equal(body[1234..56789], await CopyAllAsync(held.Content, 1234, 56789 - 1234));
    }

    [Fact]
    public async Task An_upload_in_flight_pins_its_segments_until_it_commits()
    {
        var disk = new SimulatedDisk();
        await using var store = disk.Open(Options(SegmentBytes, chunkBytes: 8 << 10));
        await CreateBucketAsync(store, "b");
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await PutAsync(store, "b", "churn", Body(i, 30_000))).IsSuccess);
        }

        // A body half streamed: its data records are in the log but in no index yet.
        var slow = Body(99, 50_000);
        var writer = store.BeginPut("b", "slow").Value!;
        Assert.True((await writer.WriteAsync(slow.AsMemory(0, 20_000), default)).IsSuccess);
        var pinnedFrom = store.SegmentIds[^1];
        for (var i = 0; i < 12; i++)
        {
            Assert.True((await PutAsync(store, "b", "churn", Body(10 + i, 30_000))).IsSuccess);
        }

        store.Compact(force: true);
        Assert.True(store.SegmentIds[0] <= pinnedFrom, $"segment {pinnedFrom} holds an uncommitted body but the log now starts at {store.SegmentIds[0]}");

        Assert.True((await writer.WriteAsync(slow.AsMemory(20_000), default)).IsSuccess);
        Assert.True((await writer.CommitAsync(Info("slow", slow), default, default)).IsSuccess);
        await writer.DisposeAsync();
        Assert.Equal(slow, await GetBytesAsync(store, "b", "slow"));

        Assert.Equal(CompactionOutcome.Released, store.Compact(force: true).Outcome);
        Assert.True(store.SegmentIds[0] > pinnedFrom);
        Assert.Equal(slow, await GetBytesAsync(store, "b", "slow"));
    }

    [Fact]
    public async Task Deleting_and_compacting_gives_a_full_disk_room_for_new_writes()
    {
        // The device holds at most 12 segment files: a full disk.
        var disk = new SimulatedDisk(new FaultInjectingWalDevice { MaxSegmentFiles = 12 });
        await using var store = disk.Open(Options(SegmentBytes, chunkBytes: 8 << 10));
        await CreateBucketAsync(store, "b");
        var stored = new List<string>();
        S3ErrorCode error = S3ErrorCode.None;
        for (var i = 0; i < 200 && error == S3ErrorCode.None; i++)
        {
            var put = await PutAsync(store, "b", $"k{i}", Body(i, 20_000));
            error = put.Error;
            if (put.IsSuccess)
            {
                stored.Add($"k{i}");
            }
        }

        Assert.Equal(S3ErrorCode.InsufficientStorage, error);
        Assert.Equal(stored.ToHashSet(), store.ListObjects("b", new ListRequest("", null, null, 1000)).Value!.Objects.Select(o => o.Key).ToHashSet());

        foreach (var key in stored.Take(stored.Count - 3))
        {
            Assert.True((await store.DeleteObjectAsync("b", key, default)).IsSuccess);
        }

        Assert.Equal(CompactionOutcome.Released, store.Compact().Outcome);
        Assert.True((await PutAsync(store, "b", "after", Body(7, 20_000))).IsSuccess);
        foreach (var key in stored.TakeLast(3))
        {
            Assert.Equal(Body(int.Parse(key[1..]), 20_000), await GetBytesAsync(store, "b", key));
        }
    }

    [Fact]
    public async Task Os_durability_does_not_compact()
    {
        var disk = new SimulatedDisk();
        await using var store = disk.Open(Options(SegmentBytes, Wal.Durability.Os, chunkBytes: 8 << 10));
        await CreateBucketAsync(store, "b");
        for (var i = 0; i < 8; i++)
        {
            Assert.True((await PutAsync(store, "b", "k", Body(i, 30_000))).IsSuccess);
        }

        Assert.Equal(CompactionOutcome.Disabled, store.Compact(force: true).Outcome);
        Assert.Equal(1UL, store.SegmentIds[0]);
    }

    private static async Task AssertModelAsync(EngineObjectStore store, Dictionary<string, byte[]> model)
    {
        var listed = store.ListObjects("b", new ListRequest("", null, null, 1000)).Value!.Objects.Select(o => o.Key).ToHashSet();
        Assert.Equal(model.Keys.ToHashSet(), listed);
        foreach (var (key, bytes) in model)
        {
            Assert.Equal(bytes, await GetBytesAsync(store, "b", key));
        }
    }
}
