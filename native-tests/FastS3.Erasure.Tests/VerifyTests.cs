using FsCheck.Xunit;

namespace FastS3.Erasure.Tests;

public class VerifyTests
{
    [Property(Arbitrary = [typeof(ErasureArbitraries)], MaxTest = 150)]
    public void A_single_flipped_bit_in_any_shard_is_detected(CodingCase c, int shardSeed, int positionSeed, byte bit)
    {
        if (c.ParityShards == 0)
        {
            return; // nothing to verify against
        }

        var codec = new ReedSolomon(c.DataShards, c.ParityShards, c.Kernel);
        var set = ShardSet.Encoded(codec, c.Length, c.Offset, c.Seed);
        Assert.True(codec.Verify(set.ReadOnlyShards));

        var shard = (int)((uint)shardSeed % (uint)c.TotalShards);
        var position = (int)((uint)positionSeed % (uint)c.Length);
        set.Shards[shard].Span[position] ^= (byte)(1 << (bit & 7));
        Assert.False(codec.Verify(set.ReadOnlyShards), $"flip in shard {shard} at {position} not detected");
    }

    [Fact]
    public void Flip_past_the_first_verify_strip_is_detected()
    {
        // Verify recomputes parity 16 KiB at a time; corrupt the last byte of the last strip.
        var codec = new ReedSolomon(8, 4);
        var set = ShardSet.Encoded(codec, 50_000, 1, 3);
        Assert.True(codec.Verify(set.ReadOnlyShards));
        set.Shards[11].Span[49_999] ^= 0x80;
        Assert.False(codec.Verify(set.ReadOnlyShards));
    }

    [Fact]
    public void Without_parity_everything_verifies()
    {
        var codec = new ReedSolomon(3, 0);
        var set = ShardSet.Encoded(codec, 10, 0, 1);
        Assert.True(codec.Verify(set.ReadOnlyShards));
    }
}
