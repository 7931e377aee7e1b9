namespace FastS3.Segments.Tests;

public sealed class LayoutTests
{
    [Fact]
    public void Too_few_directories_are_refused_with_the_counts()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ErasureLayout(4, 2, ["/a", "/b", "/c", "/d", "/e"]));
        Assert.Contains("data_dirs lists 5 directories", ex.Message);
        Assert.Contains("at least 6", ex.Message);
    }

    [Fact]
    public void More_than_255_shards_are_refused()
    {
        var dirs = Enumerable.Range(0, 260).Select(i => "/x/" + i).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => new ErasureLayout(250, 6, dirs));
        Assert.Contains("at most 255", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(32 * 1024 * 1024)]
    public void Bad_block_sizes_are_refused(int blockSize)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ErasureLayout(1, 1, ["/a", "/b"], blockSize));
        Assert.Contains("block size", ex.Message);
    }

    [Fact]
    public void The_same_directory_twice_is_refused() =>
        Assert.Throws<ArgumentException>(() => new ErasureLayout(1, 1, ["/a", "/a/"]));

    [Fact]
    public void Parity_rotates_over_every_directory()
    {
        var layout = new ErasureLayout(2, 1, ["/a", "/b", "/c", "/d"]);
        var parityDirs = Enumerable.Range(0, 4).Select(id => layout.DirectoryIndexOf((ulong)id, 2)).ToHashSet();
        Assert.Equal(4, parityDirs.Count);
        for (ulong id = 0; id < 8; id++)
        {
            for (var shard = 0; shard < 3; shard++)
            {
                Assert.Equal(shard, layout.ShardIndexIn(id, layout.DirectoryIndexOf(id, shard)));
            }
        }
    }
}
