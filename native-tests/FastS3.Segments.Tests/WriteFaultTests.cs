namespace FastS3.Segments.Tests;

public sealed class WriteFaultTests
{
    private static string[] VisibleFiles(TempDirectories dirs) =>
        Directory.EnumerateFiles(dirs.Root, "*", SearchOption.AllDirectories).ToArray();

    [Fact]
    public void A_torn_write_of_a_middle_shard_leaves_nothing_visible()
    {
        using var dirs = new TempDirectories(5);
        var io = new FaultyShardIo { TearWriteNumber = 3 };
        var store = ErasureSegmentStore.Open(dirs.Layout(3, 2, 256), createMissingDirectories: false, io);

        var result = store.WriteShards(8, SegmentBytes.Make(5000, 8));

        Assert.Equal(SegmentWriteStatus.IoError, result.Status);
        Assert.Contains("fsync", result.Error);
        Assert.Empty(VisibleFiles(dirs));
        Assert.Equal(SegmentReadStatus.NotFound, store.Read(8, 0, new byte[1]).Status);
    }

    [Fact]
    public void A_failed_rename_leaves_only_complete_shards_and_a_retry_completes_the_segment()
    {
        using var dirs = new TempDirectories(3);
        var io = new FaultyShardIo { FailPublishNumber = 2 };
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 1, 128), createMissingDirectories: false, io);
        var segment = SegmentBytes.Make(3000, 9);

        Assert.Equal(SegmentWriteStatus.IoError, store.WriteShards(0, segment).Status);

        // Shard 0 was renamed before the failure: complete and CRC-valid; no temp is left behind.
        var visible = VisibleFiles(dirs);
        Assert.Equal([store.Layout.ShardPath(0, 0)], visible);
        Assert.Equal(ShardHeaderCheck.Ok, ShardFileHeader.TryRead(File.ReadAllBytes(visible[0]), out _));
        Assert.Equal(SegmentReadStatus.TooManyShardsLost, store.Read(0, 0, new byte[segment.Length]).Status);

        Assert.True(store.WriteShards(0, segment).IsSuccess);
        SegmentBytes.AssertReads(store, 0, segment, 0, segment.Length, SegmentReadStatus.Read);
    }

    [Fact]
    public void A_failed_directory_fsync_is_reported_not_acknowledged()
    {
        using var dirs = new TempDirectories(3);
        var io = new FaultyShardIo { FailDirectorySyncNumber = 3 };
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 1, 128), createMissingDirectories: false, io);

        var result = store.WriteShards(1, SegmentBytes.Make(700, 1));

        Assert.Equal(SegmentWriteStatus.IoError, result.Status);
        Assert.Contains("directory fsync", result.Error);
    }

    [Fact]
    public void A_failed_heal_leaves_the_damaged_shard_as_it_was()
    {
        using var dirs = new TempDirectories(3);
        var io = new FaultyShardIo();
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 1, 128), createMissingDirectories: false, io);
        var segment = SegmentBytes.Make(2000, 3);
        Assert.True(store.WriteShards(2, segment).IsSuccess);
        var path = store.Layout.ShardPath(2, 1);
        var corrupt = File.ReadAllBytes(path);
        corrupt[^1] ^= 0xFF;
        File.WriteAllBytes(path, corrupt);

        io.TearWriteNumber = 4; // three writes for the segment, the fourth is the heal
        var heal = new Healer(store).HealSegment(2);

        Assert.Equal(SegmentHealStatus.IoError, heal.Status);
        Assert.Equal(corrupt, File.ReadAllBytes(path));
        Assert.DoesNotContain(VisibleFiles(dirs), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        SegmentBytes.AssertReads(store, 2, segment, 0, segment.Length, SegmentReadStatus.Reconstructed);
    }
}
