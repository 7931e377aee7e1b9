using FsCheck.Xunit;

namespace FastS3.Erasure.Tests;

public class ReconstructTests
{
    private const byte Garbage = 0xEE;

    [Property(Arbitrary = [typeof(ErasureArbitraries)], MaxTest = 150)]
    public void Up_to_m_lost_shards_are_rebuilt_byte_exact(ErasureCase e)
    {
        var c = e.Coding;
        var codec = new ReedSolomon(c.DataShards, c.ParityShards, c.Kernel);
        var set = ShardSet.Encoded(codec, c.Length, c.Offset, c.Seed);
        var original = set.Snapshot();
        foreach (var lost in e.Lost)
        {
            set.Shards[lost].Span.Fill(Garbage);
        }

        var present = ShardMask.FirstN(c.TotalShards).Except(ShardMask.FromIndexes(e.Lost));
        Assert.Equal(ReconstructResult.Reconstructed, codec.Reconstruct(set.Shards, present));
        for (var i = 0; i < c.TotalShards; i++)
        {
            Assert.True(original[i].AsSpan().SequenceEqual(set.Shards[i].Span), $"shard {i} differs");
        }

        set.AssertGuardsIntact();
    }

    [Property(Arbitrary = [typeof(ErasureArbitraries)], MaxTest = 100)]
    public void More_than_m_lost_shards_report_too_few_and_write_nothing(CodingCase c)
    {
        var codec = new ReedSolomon(c.DataShards, c.ParityShards, c.Kernel);
        var set = ShardSet.Encoded(codec, c.Length, c.Offset, c.Seed);
        var random = new Random(c.Seed);
        var lost = Enumerable.Range(0, c.TotalShards).OrderBy(_ => random.Next()).Take(c.ParityShards + 1).ToArray();
        foreach (var index in lost)
        {
            set.Shards[index].Span.Fill(Garbage);
        }

        var present = ShardMask.FirstN(c.TotalShards).Except(ShardMask.FromIndexes(lost));
        Assert.Equal(ReconstructResult.TooFewShards, codec.Reconstruct(set.Shards, present));
        Assert.Equal(
            ReconstructResult.TooFewShards,
            codec.ReconstructData(set.Shards, present, ShardMask.FirstN(c.DataShards)));
        foreach (var index in lost)
        {
            Assert.True(set.Shards[index].Span.IndexOfAnyExcept(Garbage) < 0, $"lost shard {index} was written");
        }
    }

    [Property(Arbitrary = [typeof(ErasureArbitraries)], MaxTest = 150)]
    public void ReconstructData_rebuilds_only_the_wanted_lost_data_shards(ErasureCase e)
    {
        var c = e.Coding;
        var codec = new ReedSolomon(c.DataShards, c.ParityShards, c.Kernel);
        var set = ShardSet.Encoded(codec, c.Length, c.Offset, c.Seed);
        var original = set.Snapshot();
        foreach (var lost in e.Lost)
        {
            set.Shards[lost].Span.Fill(Garbage);
        }

        var present = ShardMask.FirstN(c.TotalShards).Except(ShardMask.FromIndexes(e.Lost));
        var wanted = ShardMask.FromIndexes(e.Wanted);
        Assert.Equal(ReconstructResult.Reconstructed, codec.ReconstructData(set.Shards, present, wanted));
        for (var i = 0; i < c.TotalShards; i++)
        {
            var expectOriginal = present.Contains(i) || wanted.Contains(i);
            var actual = set.Shards[i].Span;
            Assert.True(
                expectOriginal ? original[i].AsSpan().SequenceEqual(actual) : actual.IndexOfAnyExcept(Garbage) < 0,
                $"shard {i}: {(expectOriginal ? "not rebuilt" : "rebuilt without being asked")}");
        }

        set.AssertGuardsIntact();
    }

    [Fact]
    public void Unneeded_shards_may_be_empty_buffers()
    {
        var codec = new ReedSolomon(4, 2);
        var set = ShardSet.Encoded(codec, 1000, 1, 7);
        var original = set.Snapshot();
        var shards = set.Shards.ToArray();
        shards[1] = Memory<byte>.Empty; // lost and not wanted
        shards[2].Span.Clear(); // lost and wanted
        var present = ShardMask.FromIndexes([0, 3, 4, 5]);
        Assert.Equal(ReconstructResult.Reconstructed, codec.ReconstructData(shards, present, ShardMask.None.With(2)));
        Assert.Equal(original[2], shards[2].ToArray());
    }

    [Fact]
    public void Widest_code_rebuilds_127_lost_shards()
    {
        var codec = new ReedSolomon(128, 127);
        var set = ShardSet.Encoded(codec, 100, 3, 11);
        var original = set.Snapshot();
        var lost = Enumerable.Range(0, 255).Where(i => i % 2 == 0).Take(127).ToArray();
        foreach (var index in lost)
        {
            set.Shards[index].Span.Clear();
        }

        var present = ShardMask.FirstN(255).Except(ShardMask.FromIndexes(lost));
        Assert.Equal(ReconstructResult.Reconstructed, codec.Reconstruct(set.Shards, present));
        for (var i = 0; i < 255; i++)
        {
            Assert.Equal(original[i], set.Shards[i].ToArray());
        }
    }

    [Fact]
    public void Decode_plans_are_cached_per_pattern()
    {
        var codec = new ReedSolomon(8, 4);
        var set = ShardSet.Encoded(codec, 256, 0, 3);
        var present = ShardMask.FirstN(12).Without(2);
        Assert.Equal(0, codec.CachedPlanCount);
        codec.Reconstruct(set.Shards, present);
        codec.Reconstruct(set.Shards, present);
        Assert.Equal(1, codec.CachedPlanCount);
        codec.Reconstruct(set.Shards, present.Without(5));
        Assert.Equal(2, codec.CachedPlanCount);
    }

    [Fact]
    public void Decode_plan_cache_is_bounded()
    {
        // 10+4 has 1 470 patterns of 1..4 losses, more than the cache holds.
        var codec = new ReedSolomon(10, 4);
        var set = ShardSet.Encoded(codec, 1, 0, 5);
        var original = set.Snapshot();
        var patterns = 0;
        for (var a = 0; a < 14; a++)
        {
            for (var b = a; b < 14; b++)
            {
                for (var c = b; c < 14; c++)
                {
                    for (var d = c; d < 14; d++)
                    {
                        var present = ShardMask.FirstN(14).Without(a).Without(b).Without(c).Without(d);
                        Assert.Equal(ReconstructResult.Reconstructed, codec.Reconstruct(set.Shards, present));
                        Assert.InRange(codec.CachedPlanCount, 1, DecodePlanCache.MaxEntries);
                        patterns++;
                    }
                }
            }
        }

        Assert.True(patterns > DecodePlanCache.MaxEntries);
        for (var i = 0; i < 14; i++)
        {
            Assert.Equal(original[i], set.Shards[i].ToArray());
        }
    }

    [Fact]
    public void Concurrent_reconstructions_share_one_codec()
    {
        var codec = new ReedSolomon(6, 3);
        var set = ShardSet.Encoded(codec, 4096, 0, 9);
        var original = set.Snapshot();
        Parallel.For(0, 200, i =>
        {
            var lost = i % 9;
            var shards = original.Select(s => (Memory<byte>)s.ToArray()).ToArray();
            shards[lost].Span.Clear();
            Assert.Equal(ReconstructResult.Reconstructed, codec.Reconstruct(shards, ShardMask.FirstN(9).Without(lost)));
            Assert.Equal(original[lost], shards[lost].ToArray());
        });
    }
}
