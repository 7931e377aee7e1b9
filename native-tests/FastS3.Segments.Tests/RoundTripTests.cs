namespace FastS3.Segments.Tests;

public sealed class RoundTripTests
{
    [Theory]
    [InlineData(1, 0, 0, 64)]
    [InlineData(1, 1, 1, 64)]
    [InlineData(2, 1, 1000, 64)]
    [InlineData(3, 2, 100_000, ErasureLayout.DefaultBlockSizeBytes)]
    [InlineData(4, 2, 65_537, 4096)]
    [InlineData(6, 3, 6 * 4096, 4096)]
    [InlineData(10, 4, 12_345, 256)]
    public void Written_segments_read_back_exact_from_data_shards(int k, int m, int length, int blockSize)
    {
        using var dirs = new TempDirectories(k + m + 1);
        var store = ErasureSegmentStore.Open(dirs.Layout(k, m, blockSize));
        var segment = SegmentBytes.Make(length, length + k);
        const ulong id = 41;

        var write = store.WriteShards(id, segment);
        Assert.Equal(SegmentWriteStatus.Written, write.Status);

        for (var shard = 0; shard < k + m; shard++)
        {
            var path = store.Layout.ShardPath(id, shard);
            Assert.True(File.Exists(path), path);
            Assert.Equal(Path.Combine(dirs.Directories[(int)((id + (ulong)shard) % (ulong)(k + m + 1))], Path.GetFileName(path)), path);
        }

        Assert.Empty(Directory.EnumerateFiles(dirs.Root, "*.tmp", SearchOption.AllDirectories));

        var whole = new byte[length];
        var result = store.Read(id, 0, whole);
        Assert.Equal(SegmentReadStatus.Read, result.Status);
        Assert.Equal(0, result.ReconstructedBlocks);
        Assert.Equal(length, result.SegmentLengthBytes);
        Assert.Equal(segment, whole);

        var random = new Random(length);
        for (var i = 0; i < 20 && length > 0; i++)
        {
            var offset = random.Next(length);
            var count = random.Next(length - offset + 1);
            SegmentBytes.AssertReads(store, id, segment, offset, count, SegmentReadStatus.Read);
        }

        Assert.Equal(0, store.Damage.Count);
    }

    [Fact]
    public async Task Writing_from_a_sealed_segment_file_round_trips()
    {
        using var dirs = new TempDirectories(5);
        var store = ErasureSegmentStore.Open(dirs.Layout(3, 2, 1024));
        var segment = SegmentBytes.Make(50_001, 3);
        var source = Path.Combine(dirs.Root, "segment.wal");
        await File.WriteAllBytesAsync(source, segment);

        Assert.True((await store.WriteShardsAsync(9, source)).IsSuccess);

        var back = new byte[segment.Length];
        Assert.Equal(SegmentReadStatus.Read, (await store.ReadAsync(9, 0, back)).Status);
        Assert.Equal(segment, back);
        Assert.Equal([9UL], store.ListSegments());
    }

    [Fact]
    public void A_missing_source_file_is_a_result_not_an_exception()
    {
        using var dirs = new TempDirectories(2);
        var store = ErasureSegmentStore.Open(dirs.Layout(1, 1, 64));
        Assert.Equal(SegmentWriteStatus.SourceUnreadable, store.WriteShardsFromFile(1, Path.Combine(dirs.Root, "nope")).Status);
    }

    [Fact]
    public void Ranges_past_the_end_and_unknown_segments_are_named_results()
    {
        using var dirs = new TempDirectories(3);
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 1, 64));
        Assert.True(store.WriteShards(1, SegmentBytes.Make(300, 1)).IsSuccess);

        Assert.Equal(SegmentReadStatus.OutOfRange, store.Read(1, 250, new byte[51]).Status);
        Assert.Equal(SegmentReadStatus.OutOfRange, store.Read(1, -1, new byte[1]).Status);
        Assert.Equal(SegmentReadStatus.Read, store.Read(1, 300, []).Status);
        Assert.Equal(SegmentReadStatus.NotFound, store.Read(2, 0, new byte[1]).Status);
    }

    [Fact]
    public void A_failed_write_leaves_no_visible_shard_and_no_temp()
    {
        using var dirs = new TempDirectories(4);
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 1, 64));
        // Segment 0's parity shard (index 2) goes to directory 2: make it a file, so creating the temp fails there, last.
        Directory.Delete(dirs.Directories[2]);
        File.WriteAllText(dirs.Directories[2], "not a directory");

        var result = store.WriteShards(0, SegmentBytes.Make(1000, 2));

        Assert.Equal(SegmentWriteStatus.IoError, result.Status);
        Assert.NotNull(result.Error);
        foreach (var d in new[] { 0, 1, 3 })
        {
            Assert.Empty(Directory.EnumerateFiles(dirs.Directories[d]));
        }
    }
}
