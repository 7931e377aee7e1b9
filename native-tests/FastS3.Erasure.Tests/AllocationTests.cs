namespace FastS3.Erasure.Tests;

public class AllocationTests
{
    [Fact]
    public void Encode_verify_and_cached_reconstruct_allocate_nothing()
    {
        var codec = new ReedSolomon(8, 4);
        var set = ShardSet.Encoded(codec, 4096, 0, 1);
        var present = ShardMask.FirstN(12).Without(3);
        var data = set.ReadOnlyShards.AsSpan(0, 8).ToArray();
        var parity = set.Shards.AsSpan(8).ToArray();

        // Warm up: plan cache, pooled pin and scratch arrays, JIT tiers.
        for (var i = 0; i < 50; i++)
        {
            codec.Encode(data, parity);
            codec.Verify(set.ReadOnlyShards);
            codec.Reconstruct(set.Shards, present);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            codec.Encode(data, parity);
            codec.Verify(set.ReadOnlyShards);
            codec.Reconstruct(set.Shards, present);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
