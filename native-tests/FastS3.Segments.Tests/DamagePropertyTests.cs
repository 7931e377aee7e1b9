using FsCheck.Xunit;

namespace FastS3.Segments.Tests;

public sealed class DamagePropertyTests
{
    private static readonly int[] BlockSizes = [64, 256, 1024, 4096];

    private sealed record Case(int K, int M, int BlockSize, byte[] Segment);

    private static Case MakeCase(Random random)
    {
        var k = random.Next(1, 6);
        var m = random.Next(1, 4);
        var blockSize = BlockSizes[random.Next(BlockSizes.Length)];
        var length = random.Next(4) == 0 ? random.Next(200) : random.Next(40_000);
        return new Case(k, m, blockSize, SegmentBytes.Make(length, random.Next()));
    }

    [Property(MaxTest = 60)]
    public void Up_to_m_damaged_shards_of_any_kind_still_read_exact(int seed)
    {
        var random = new Random(seed);
        var c = MakeCase(random);
        using var dirs = new TempDirectories(c.K + c.M);
        const ulong id = 5;
        Assert.True(ErasureSegmentStore.Open(dirs.Layout(c.K, c.M, c.BlockSize)).WriteShards(id, c.Segment).IsSuccess);

        var losses = random.Next(c.M + 1);
        var victims = Enumerable.Range(0, c.K + c.M).OrderBy(_ => random.Next()).Take(losses).ToArray();
        var layout = dirs.Layout(c.K, c.M, c.BlockSize);
        foreach (var shard in victims)
        {
            ShardDamager.Apply(layout, id, shard, (DamageKind)random.Next(6), random);
        }

        // Open after the damage: a deleted directory is then a degraded-mode start.
        var store = ErasureSegmentStore.Open(layout);
        var length = c.Segment.Length;
        SegmentBytes.AssertReads(store, id, c.Segment, 0, length, SegmentReadStatus.Read, SegmentReadStatus.Reconstructed);
        for (var i = 0; i < 12 && length > 0; i++)
        {
            var offset = random.Next(length);
            var count = random.Next(Math.Min(length - offset, 3 * c.BlockSize) + 1);
            SegmentBytes.AssertReads(store, id, c.Segment, offset, count, SegmentReadStatus.Read, SegmentReadStatus.Reconstructed);
        }

        // Every reported shard is one that was damaged.
        Assert.All(store.Damage.Snapshot(), d => Assert.Contains(d.ShardIndex, victims));
    }

    [Property(MaxTest = 40)]
    public void More_than_m_lost_shards_give_the_named_error_never_wrong_bytes(int seed)
    {
        var random = new Random(seed);
        var c = MakeCase(random);
        using var dirs = new TempDirectories(c.K + c.M);
        var layout = dirs.Layout(c.K, c.M, c.BlockSize);
        const ulong id = 6;
        var store = ErasureSegmentStore.Open(layout);
        Assert.True(store.WriteShards(id, c.Segment).IsSuccess);
        var shardLength = store.Codec.GetShardLength(c.Segment.Length);

        var victims = Enumerable.Range(0, c.K + c.M).OrderBy(_ => random.Next()).Take(c.M + 1).ToArray();
        foreach (var shard in victims)
        {
            ShardDamager.Apply(layout, id, shard, ShardDamager.WholeShardKind(random), random);
        }

        store = ErasureSegmentStore.Open(layout);
        var whole = new byte[c.Segment.Length];
        var result = store.Read(id, 0, whole);

        // Only k - 1 shards survive, so a read fails exactly when it needs a lost data shard that holds segment bytes.
        var needsLostShard = victims.Any(s => s < c.K && (long)s * shardLength < c.Segment.Length);
        if (needsLostShard)
        {
            // With k = 1 all k + m shards can be gone, and then there is no segment to speak of.
            var expected = AllFilesGone(layout, id) ? SegmentReadStatus.NotFound : SegmentReadStatus.TooManyShardsLost;
            Assert.Equal(expected, result.Status);
        }
        else
        {
            Assert.True(result.IsSuccess, $"got {result.Status}");
            Assert.Equal(c.Segment, whole);
        }
    }

    [Property(MaxTest = 30)]
    public void More_than_m_damaged_shards_with_block_flips_read_exact_or_refuse(int seed)
    {
        var random = new Random(seed);
        var c = MakeCase(random);
        using var dirs = new TempDirectories(c.K + c.M);
        var layout = dirs.Layout(c.K, c.M, c.BlockSize);
        const ulong id = 7;
        Assert.True(ErasureSegmentStore.Open(layout).WriteShards(id, c.Segment).IsSuccess);
        foreach (var shard in Enumerable.Range(0, c.K + c.M).OrderBy(_ => random.Next()).Take(c.M + 1 + random.Next(c.K)))
        {
            ShardDamager.Apply(layout, id, shard, DamageKind.FlipBitsInBlock, random);
        }

        var store = ErasureSegmentStore.Open(layout);
        for (var i = 0; i < 10 && c.Segment.Length > 0; i++)
        {
            var offset = random.Next(c.Segment.Length);
            var buffer = new byte[random.Next(c.Segment.Length - offset + 1)];
            var result = store.Read(id, offset, buffer);
            if (result.IsSuccess)
            {
                Assert.True(c.Segment.AsSpan(offset, buffer.Length).SequenceEqual(buffer));
            }
            else
            {
                Assert.Equal(SegmentReadStatus.TooManyShardsLost, result.Status);
            }
        }
    }

    private static bool AllFilesGone(ErasureLayout layout, ulong id) =>
        Enumerable.Range(0, layout.TotalShards).All(s => !File.Exists(layout.ShardPath(id, s)));
}
