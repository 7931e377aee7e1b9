using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>Compaction over erasure-coded, offloaded segments: live bytes are copied out of the shards, and releasing a segment removes its shard files.</summary>
public sealed class CompactionErasureTests
{
    [Fact]
    public async Task Compaction_reads_from_shards_and_releasing_drops_the_shard_files()
    {
        using var dir = new TempDirectory();
        var engine = ErasureEngine.Open(dir.Path);
        var model = new Dictionary<string, byte[]>();
        try
        {
            await CreateBucketAsync(engine.Engine, "ec");
            var random = new Random(5);
            for (var i = 0; i < 60; i++)
            {
                var key = $"k{random.Next(6)}";
                Assert.True((await PutAsync(engine.Engine, "ec", key, model[key] = Body(i, random.Next(1_000, 40_000)))).IsSuccess);
            }

            var offloaded = engine.WaitAllSealedOffloaded();
            Assert.True(offloaded.Count > 5);
            var result = engine.Engine.Compact(force: true);
            Assert.Equal(CompactionOutcome.Released, result.Outcome);
            Assert.True(result.BytesRelocated > 0, "live bytes had to be copied out of offloaded segments");

            var firstLive = engine.Engine.SegmentIds[0];
            var released = offloaded.Where(id => id < firstLive).ToList();
            Assert.NotEmpty(released);
            foreach (var id in released)
            {
                for (var shard = 0; shard < ErasureEngine.DataShards + ErasureEngine.ParityShards; shard++)
                {
                    Assert.False(File.Exists(engine.Layout.ShardPath(id, shard)), $"shard {shard} of released segment {id} is still on disk");
                }
            }

            foreach (var (key, bytes) in model)
            {
                Assert.Equal(bytes, await GetBytesAsync(engine.Engine, "ec", key));
            }

            engine = await engine.ReopenAsync();
            foreach (var (key, bytes) in model)
            {
                Assert.Equal(bytes, await GetBytesAsync(engine.Engine, "ec", key));
            }
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }
}
