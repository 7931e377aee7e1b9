namespace FastS3.Erasure.Tests;

public class ShardMaskTests
{
    [Fact]
    public void Set_operations_cover_all_256_indexes()
    {
        var mask = ShardMask.FromIndexes([0, 63, 64, 127, 128, 200, 255]);
        Assert.Equal(7, mask.Count);
        Assert.True(mask.Contains(255));
        Assert.False(mask.Contains(1));
        Assert.False(mask.Contains(256));
        Assert.False(mask.Contains(-1));
        Assert.Equal("{0, 63, 64, 127, 128, 200, 255}", mask.ToString());
        Assert.Equal(6, mask.Without(64).Count);
        Assert.Equal(256, ShardMask.FirstN(256).Count);
        Assert.Equal(ShardMask.FromIndexes([63, 64]), mask.Intersect(ShardMask.FirstN(100).Except(ShardMask.FirstN(50))));
        Assert.True(ShardMask.None.IsEmpty);
        Assert.Equal(mask, mask.Union(ShardMask.None.With(200)));

        Span<int> indexes = stackalloc int[3];
        Assert.Equal(3, mask.CopyIndexesTo(indexes));
        Assert.Equal([0, 63, 64], indexes.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => ShardMask.None.With(256));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(200)]
    [InlineData(255)]
    [InlineData(256)]
    public void FirstN_holds_exactly_the_first_n_indexes(int n)
    {
        var mask = ShardMask.FirstN(n);
        Assert.Equal(n, mask.Count);
        for (var i = 0; i < ShardMask.Capacity; i++)
        {
            Assert.Equal(i < n, mask.Contains(i));
        }
    }
}
