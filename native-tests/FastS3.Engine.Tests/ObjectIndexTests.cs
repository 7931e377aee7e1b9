using System.Globalization;
using FastS3.Common.Errors;
using FastS3.Storage;

namespace FastS3.Engine.Tests;

/// <summary>
/// The engine's objects live in the B+tree on buffer-pool pages: more objects than the pool holds
/// are served, listed in order and recovered, the checkpoint does not grow with them, and a hot
/// lookup reuses its decoded entry only while the tree still holds that exact value.
/// </summary>
public sealed class ObjectIndexTests
{
    private const int ObjectCount = 6_000;

    [Fact]
    public async Task More_objects_than_the_pool_holds_are_served_listed_and_recovered_through_the_pages()
    {
        var disk = new SimulatedDisk();
        var options = new EngineOptions
        {
            SegmentSizeBytes = EngineTestSupport.SmallSegmentBytes * 16,
            CheckpointInterval = TimeSpan.Zero,
            CompactionInterval = TimeSpan.Zero,
            IndexBufferPoolBytes = 8 * 8192, // the pool's minimum: the tree below spans far more pages
            ObjectCacheEntries = 1,
        };
        var keys = Enumerable.Range(0, ObjectCount).Select(i => $"dir{i % 7}/object-{i:D6}-{new string('k', i % 40)}").ToList();
        await using (var store = disk.Open(options))
        {
            await EngineTestSupport.CreateBucketAsync(store, "many");
            await EngineTestSupport.CreateBucketAsync(store, "other");
            await Parallel.ForEachAsync(Enumerable.Range(0, ObjectCount), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                var put = await EngineTestSupport.PutAsync(store, "many", keys[i], EngineTestSupport.Body(i, 64 + (i % 200)));
                Assert.True(put.IsSuccess, put.Error.ToString());
            });
            var inOther = await EngineTestSupport.PutAsync(store, "other", "dir0/x", EngineTestSupport.Body(1, 10));
            Assert.True(inOther.IsSuccess);

            Assert.True(store.Checkpoint());
            var misses = store.GetStatistics().IndexPoolMisses;
            await AssertServesEveryObjectAsync(store, keys);
            Assert.True(store.GetStatistics().IndexPoolMisses > misses, "reads went back to the page file: the tree does not fit the pool");
            Assert.Equal((ulong)ObjectCount + 1, store.GetStatistics().IndexObjects);
        }

        // The checkpoint holds buckets, uploads, live bytes and the tree's record: not the objects.
        var checkpoint = disk.Checkpoints.Read()!;
        Assert.True(checkpoint.Length < 4096, $"checkpoint of {checkpoint.Length} bytes for {ObjectCount} objects");

        // One tree version per commit: copied paths are reused, the page file is about the tree's size
        // (a root-to-leaf path per commit kept until the checkpoint would be ~18,000 pages here).
        var pages = disk.IndexPages.LengthBytes / 8192;
        Assert.True(pages < 1_500, $"{pages} index pages for {ObjectCount} objects");

        await using (var reopened = disk.CrashCopy().Open(options))
        {
            Assert.Equal(0, reopened.Recovery.CommitRecordsApplied);
            await AssertServesEveryObjectAsync(reopened, keys);
            var deleteBucket = await reopened.DeleteBucketAsync("many", CancellationToken.None);
            Assert.Equal(S3ErrorCode.BucketNotEmpty, deleteBucket.Error);
        }
    }

    [Fact]
    public async Task A_relocated_or_overwritten_value_is_decoded_again_never_served_from_the_cache()
    {
        var disk = new SimulatedDisk();
        var options = EngineTestSupport.Options(chunkBytes: 4096);
        await using var store = disk.Open(options);
        await EngineTestSupport.CreateBucketAsync(store, "b");
        var first = EngineTestSupport.Body(1, 10_000);
        Assert.True((await EngineTestSupport.PutAsync(store, "b", "k", first)).IsSuccess);
        var before = store.GetObject("b", "k").Value!;
        Assert.Same(before, store.GetObject("b", "k").Value!); // the cached decode, no allocation

        var second = EngineTestSupport.Body(2, 12_000);
        Assert.True((await EngineTestSupport.PutAsync(store, "b", "k", second)).IsSuccess);
        var after = store.GetObject("b", "k").Value!;
        Assert.NotSame(before, after);
        Assert.Equal(second, await EngineTestSupport.ReadAllAsync(after.Content));

        // Fill the log so the version's segments become victims, then move its bytes.
        for (var i = 0; i < 30; i++)
        {
            Assert.True((await EngineTestSupport.PutAsync(store, "b", "filler", EngineTestSupport.Body(100 + i, 9_000))).IsSuccess);
        }

        var compacted = store.Compact();
        Assert.True(compacted.ExtentsRelocated > 0, compacted.ToString());
        var moved = store.GetObject("b", "k").Value!;
        Assert.NotSame(after, moved);
        Assert.Equal(second, await EngineTestSupport.ReadAllAsync(moved.Content));
    }

    [Fact]
    public async Task A_full_disk_under_the_index_refuses_the_write_before_it_is_logged()
    {
        var disk = new SimulatedDisk();
        disk.IndexPages.FailGrowthBeyondBytes = 0; // the index file cannot get a single block
        var body = EngineTestSupport.Body(1, 3_000);
        await using (var store = disk.Open())
        {
            await EngineTestSupport.CreateBucketAsync(store, "b");
            var refused = await EngineTestSupport.PutAsync(store, "b", "k", body);
            Assert.Equal(S3ErrorCode.InsufficientStorage, refused.Error);
            Assert.Equal(S3ErrorCode.NoSuchKey, store.GetObject("b", "k").Error);
            Assert.Equal(0UL, store.GetStatistics().IndexObjects);

            disk.IndexPages.FailGrowthBeyondBytes = null; // space returns
            Assert.True((await EngineTestSupport.PutAsync(store, "b", "k", body)).IsSuccess);
            Assert.Equal(body, await EngineTestSupport.GetBytesAsync(store, "b", "k"));
        }

        await using var reopened = disk.CrashCopy().Open();
        Assert.Equal(body, await EngineTestSupport.GetBytesAsync(reopened, "b", "k"));
        Assert.Equal(1UL, reopened.GetStatistics().IndexObjects);
    }

    [Fact]
    public async Task A_corrupt_index_page_is_a_named_500_not_wrong_metadata()
    {
        var disk = new SimulatedDisk();
        await using (var store = disk.Open())
        {
            await EngineTestSupport.CreateBucketAsync(store, "b");
            Assert.True((await EngineTestSupport.PutAsync(store, "b", "k", EngineTestSupport.Body(1, 100))).IsSuccess);
        }

        // Media damage in every page of the index file: the root read on the next open fails its CRC.
        for (long page = 1; page * 8192 < disk.IndexPages.LengthBytes; page++)
        {
            disk.IndexPages.FlipBit((page * 8192) + 4000, 3);
        }

        await using var reopened = disk.Open();
        var get = reopened.GetObject("b", "k");
        Assert.Equal(S3ErrorCode.InternalError, get.Error);
        Assert.Contains("index page", get.Message, StringComparison.Ordinal);
        var list = reopened.ListObjects("b", new ListRequest(string.Empty, null, null, 10));
        Assert.Equal(S3ErrorCode.InternalError, list.Error);
    }

    private static async Task AssertServesEveryObjectAsync(EngineObjectStore store, List<string> keys)
    {
        for (var i = 0; i < keys.Count; i += 97)
        {
            var body = await EngineTestSupport.GetBytesAsync(store, "many", keys[i]);
            Assert.Equal(EngineTestSupport.Body(i, 64 + (i % 200)), body);
        }

        Assert.Equal(S3ErrorCode.NoSuchKey, store.GetObject("many", "dir0/absent").Error);

        // Every key once, in UTF-8 order, across pages of a delimited and an undelimited listing.
        var expected = keys.Order(StringComparer.Ordinal).ToList();
        var listed = new List<string>();
        string? after = null;
        do
        {
            var page = store.ListObjects("many", new ListRequest(string.Empty, null, after, 1000)).Value!;
            listed.AddRange(page.Objects.Select(o => o.Key));
            after = page.IsTruncated ? page.NextStartAfter : null;
        }
        while (after is not null);

        Assert.Equal(expected, listed);
        var grouped = store.ListObjects("many", new ListRequest(string.Empty, "/", null, 1000)).Value!;
        Assert.Equal(Enumerable.Range(0, 7).Select(d => "dir" + d.ToString(CultureInfo.InvariantCulture) + "/"), grouped.CommonPrefixes);
        var one = store.ListObjects("many", new ListRequest("dir3/", null, null, 5)).Value!;
        Assert.Equal(expected.Where(k => k.StartsWith("dir3/", StringComparison.Ordinal)).Take(5), one.Objects.Select(o => o.Key));
        Assert.Equal(64 + (keys.IndexOf(one.Objects[0].Key) % 200), one.Objects[0].Size);
    }
}
