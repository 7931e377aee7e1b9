using FastS3.Storage;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>Readers never block and never see a torn object while writers overwrite and checkpoints run.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Readers_see_whole_versions_only_while_writers_overwrite()
    {
        var disk = new SimulatedDisk();
        await using var store = disk.Open(new EngineOptions { SegmentSizeBytes = SmallSegmentBytes, ChunkSizeBytes = 4096, CheckpointInterval = TimeSpan.FromMilliseconds(5) });
        await CreateBucketAsync(store, "b");
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < 60; i++)
            {
                var body = Body(random.Next(), random.Next(0, 30_000));
                Assert.True((await PutAsync(store, "b", $"k{random.Next(4)}", body, writeBytes: 1000)).IsSuccess);
            }
        })).ToArray();

        var reads = 0;
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            var random = new Random(100 + r);
            while (!stop.IsCancellationRequested)
            {
                var got = store.GetObject("b", $"k{random.Next(4)}");
                if (got.IsSuccess)
                {
                    // The ETag is the MD5 of the body: a mix of two versions cannot match it.
                    var bytes = await ReadAllAsync(got.Value!.Content);
                    Assert.Equal(got.Value.Info.ETag, ETagOf(bytes));
                    Assert.Equal(got.Value.Info.Size, bytes.Length);
                    Interlocked.Increment(ref reads);
                }

                foreach (var listed in store.ListObjects("b", new ListRequest("", null, null, 10)).Value!.Objects)
                {
                    Assert.StartsWith("\"", listed.ETag, StringComparison.Ordinal);
                }
            }
        })).ToArray();

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.True(reads > 0);
    }
}
