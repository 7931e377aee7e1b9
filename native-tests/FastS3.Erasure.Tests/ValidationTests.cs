namespace FastS3.Erasure.Tests;

public class ValidationTests
{
    [Theory]
    [InlineData(0, 2, "dataShards")]
    [InlineData(-1, 2, "dataShards")]
    [InlineData(4, -1, "parityShards")]
    [InlineData(200, 56, "parityShards")]
    [InlineData(255, 1, "parityShards")]
    public void Bad_shapes_name_the_bad_argument(int k, int m, string paramName)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new ReedSolomon(k, m));
        Assert.Equal(paramName, error.ParamName);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(254, 1)]
    [InlineData(1, 254)]
    [InlineData(255, 0)]
    public void Edge_shapes_are_accepted(int k, int m)
    {
        var codec = new ReedSolomon(k, m);
        Assert.Equal(k + m, codec.TotalShards);
    }

    [Fact]
    public void Wrong_shard_counts_and_lengths_name_the_argument()
    {
        var codec = new ReedSolomon(4, 2);
        var set = new ShardSet(6, 16, 0);
        Assert.Equal("dataShards", Assert.Throws<ArgumentException>(() => codec.Encode(set.ReadOnlyShards.AsSpan(0, 3), set.Shards.AsSpan(4))).ParamName);
        Assert.Equal("parityShards", Assert.Throws<ArgumentException>(() => codec.Encode(set.ReadOnlyShards.AsSpan(0, 4), set.Shards.AsSpan(3))).ParamName);

        var ragged = set.ReadOnlyShards.ToArray();
        ragged[2] = ragged[2][..15];
        Assert.Equal("dataShards", Assert.Throws<ArgumentException>(() => codec.Encode(ragged.AsSpan(0, 4), set.Shards.AsSpan(4))).ParamName);
        Assert.Equal("shards", Assert.Throws<ArgumentException>(() => codec.Verify(ragged)).ParamName);
        Assert.Equal("shards", Assert.Throws<ArgumentException>(() => codec.Reconstruct(set.Shards.AsSpan(1), ShardMask.FirstN(5))).ParamName);

        var raggedWritable = set.Shards.ToArray();
        raggedWritable[5] = raggedWritable[5][..3];
        Assert.Equal("shards", Assert.Throws<ArgumentException>(() => codec.Reconstruct(raggedWritable, ShardMask.FirstN(5))).ParamName);
    }

    [Fact]
    public void Masks_outside_the_code_are_rejected()
    {
        var codec = new ReedSolomon(4, 2);
        var set = ShardSet.Encoded(codec, 16, 0, 1);
        Assert.Equal("present", Assert.Throws<ArgumentException>(() => codec.Reconstruct(set.Shards, ShardMask.FirstN(7))).ParamName);
        Assert.Equal("rebuild", Assert.Throws<ArgumentException>(() => codec.Reconstruct(set.Shards, ShardMask.FirstN(5), ShardMask.None.With(6))).ParamName);
        Assert.Equal("wanted", Assert.Throws<ArgumentException>(() => codec.ReconstructData(set.Shards, ShardMask.FirstN(5), ShardMask.None.With(4))).ParamName);
    }

    [Fact]
    public void Zero_parity_codec_encodes_nothing_and_cannot_rebuild()
    {
        var codec = new ReedSolomon(3, 0);
        var set = ShardSet.Encoded(codec, 10, 0, 1);
        Assert.Equal(ReconstructResult.Reconstructed, codec.Reconstruct(set.Shards, ShardMask.FirstN(3)));
        Assert.Equal(ReconstructResult.TooFewShards, codec.Reconstruct(set.Shards, ShardMask.FirstN(2)));
    }

    [Fact]
    public void Empty_shards_are_a_no_op()
    {
        var codec = new ReedSolomon(4, 2);
        var set = new ShardSet(6, 0, 0);
        codec.Encode(set.ReadOnlyShards.AsSpan(0, 4), set.Shards.AsSpan(4));
        Assert.True(codec.Verify(set.ReadOnlyShards));
        Assert.Equal(ReconstructResult.Reconstructed, codec.Reconstruct(set.Shards, ShardMask.FirstN(4)));
    }

    [Theory]
    [InlineData(8, 0, 0)]
    [InlineData(8, 1, 64)]
    [InlineData(8, 512, 64)]
    [InlineData(8, 513, 128)]
    [InlineData(8, 8L << 20, 1 << 20)]
    [InlineData(3, 1000, 384)] // ceil(1000 / 3) = 334, rounded up to 64
    public void Shard_length_covers_the_payload_in_64_byte_multiples(int k, long payload, int expected)
    {
        var codec = new ReedSolomon(k, 2);
        var length = codec.GetShardLength(payload);
        Assert.Equal(expected, length);
        Assert.True((long)length * k >= payload);
        Assert.Equal(0, length % 64);
    }

    [Fact]
    public void Shard_length_rejects_payloads_too_big_for_one_call()
    {
        var codec = new ReedSolomon(2, 1);
        Assert.Equal("payloadBytes", Assert.Throws<ArgumentOutOfRangeException>(() => codec.GetShardLength(-1)).ParamName);
        Assert.Equal("payloadBytes", Assert.Throws<ArgumentOutOfRangeException>(() => codec.GetShardLength(long.MaxValue / 2)).ParamName);
    }
}
