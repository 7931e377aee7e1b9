namespace FastS3.Segments.Tests;

public sealed class HealerTests
{
    [Fact]
    public async Task A_corrupt_block_is_rebuilt_on_read_queued_and_healed_so_later_reads_need_no_parity()
    {
        using var dirs = new TempDirectories(6);
        var store = ErasureSegmentStore.Open(dirs.Layout(4, 2, 1024));
        var segment = SegmentBytes.Make(100_000, 4);
        Assert.True(store.WriteShards(12, segment).IsSuccess);
        var path = store.Layout.ShardPath(12, 2);
        var original = File.ReadAllBytes(path);
        var corrupt = (byte[])original.Clone();
        corrupt[ShardFileHeader.Size + (4 * 25) + 5000] ^= 0x40; // inside block 4 of data shard 2
        File.WriteAllBytes(path, corrupt);

        var first = store.Read(12, 0, new byte[segment.Length]);
        Assert.Equal(SegmentReadStatus.Reconstructed, first.Status);
        Assert.Equal(1, first.ReconstructedBlocks);
        var damage = Assert.Single(store.Damage.Snapshot());
        Assert.Equal((ShardDamageKind.BlockCrc, 2), (damage.Kind, damage.ShardIndex));

        Assert.Equal(1, await new Healer(store).HealPendingAsync());

        Assert.Equal(0, store.Damage.Count);
        Assert.Equal(original, File.ReadAllBytes(path));
        var buffer = new byte[segment.Length];
        var second = store.Read(12, 0, buffer);
        Assert.Equal(SegmentReadStatus.Read, second.Status);
        Assert.Equal(segment, buffer);
        Assert.Equal(0, store.Damage.Count);
    }

    [Fact]
    public void Healing_rewrites_lost_parity_and_data_shards_byte_exact()
    {
        using var dirs = new TempDirectories(5);
        var store = ErasureSegmentStore.Open(dirs.Layout(3, 2, 256));
        Assert.True(store.WriteShards(4, SegmentBytes.Make(9_999, 5)).IsSuccess);
        var originals = Enumerable.Range(0, 5).Select(s => File.ReadAllBytes(store.Layout.ShardPath(4, s))).ToArray();
        File.Delete(store.Layout.ShardPath(4, 0));
        File.WriteAllBytes(store.Layout.ShardPath(4, 4), originals[4][..100]);

        var healer = new Healer(store);
        Assert.Equal(new SegmentHealResult(SegmentHealStatus.Healed, 2, 2L * store.Codec.GetShardLength(9_999), null), healer.HealSegment(4));

        for (var s = 0; s < 5; s++)
        {
            Assert.Equal(originals[s], File.ReadAllBytes(store.Layout.ShardPath(4, s)));
        }

        Assert.Equal(SegmentHealStatus.Healthy, healer.HealSegment(4).Status);
        Assert.Empty(Directory.EnumerateFiles(dirs.Root, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Healing_refuses_when_more_than_m_shards_are_lost()
    {
        using var dirs = new TempDirectories(3);
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 1, 64));
        Assert.True(store.WriteShards(1, SegmentBytes.Make(1000, 5)).IsSuccess);
        File.Delete(store.Layout.ShardPath(1, 0));
        File.Delete(store.Layout.ShardPath(1, 2));

        Assert.Equal(SegmentHealStatus.TooManyShardsLost, new Healer(store).HealSegment(1).Status);
        Assert.False(File.Exists(store.Layout.ShardPath(1, 0)));
    }

    [Fact]
    public async Task A_wiped_directory_serves_degraded_then_rebuilds_byte_exact_with_progress()
    {
        using var dirs = new TempDirectories(5);
        var layout = dirs.Layout(2, 2, 512);
        var writer = ErasureSegmentStore.Open(layout);
        var segments = Enumerable.Range(0, 7).Select(i => SegmentBytes.Make(3000 + (i * 777), i)).ToArray();
        for (var i = 0; i < segments.Length; i++)
        {
            Assert.True(writer.WriteShards((ulong)i, segments[i]).IsSuccess);
        }

        const int lost = 1;
        var before = Directory.EnumerateFiles(dirs.Directories[lost]).ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
        Assert.NotEmpty(before);
        Directory.Delete(dirs.Directories[lost], recursive: true);

        var store = ErasureSegmentStore.Open(layout);
        Assert.True(store.IsDegraded);
        Assert.Equal([lost], store.UnavailableDirectories);
        for (var i = 0; i < segments.Length; i++)
        {
            SegmentBytes.AssertReads(store, (ulong)i, segments[i], 0, segments[i].Length, SegmentReadStatus.Read, SegmentReadStatus.Reconstructed);
        }

        var reports = new List<RebuildProgress>();
        var result = await new Healer(store).RebuildDirectoryAsync(lost, new SynchronousProgress(reports.Add));

        Assert.True(result.IsSuccess);
        Assert.Equal(before.Count, result.SegmentsRebuilt);
        Assert.False(store.IsDegraded);
        var after = Directory.EnumerateFiles(dirs.Directories[lost]).ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, bytes) in before)
        {
            Assert.Equal(bytes, after[name]);
        }

        Assert.Equal(before.Count + 1, reports.Count);
        Assert.Equal(0, reports[0].BytesDone);
        Assert.Equal(before.Values.Sum(b => (long)b.Length), reports[^1].BytesTotal);
        Assert.Equal(reports[^1].BytesTotal, reports[^1].BytesDone);
        Assert.Equal(100.0, reports[^1].Percent);
        Assert.Equal(TimeSpan.Zero, reports[^1].Eta);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.BytesDone > p.First.BytesDone && p.Second.Percent > p.First.Percent));
        Assert.All(reports.Skip(1), r => Assert.NotNull(r.Eta));

        for (var i = 0; i < segments.Length; i++)
        {
            SegmentBytes.AssertReads(store, (ulong)i, segments[i], 0, segments[i].Length, SegmentReadStatus.Read);
        }
    }

    private sealed class SynchronousProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => report(value);
    }
}
