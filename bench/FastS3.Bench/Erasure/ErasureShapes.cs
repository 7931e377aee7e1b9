using FastS3.Erasure;

namespace FastS3.Bench.Erasure;

/// <summary>Shard buffers and parameter parsing shared by the erasure benchmarks.</summary>
internal static class ErasureShapes
{
    /// <summary>1 MiB shards: an 8 MiB sealed segment split 8 ways, larger than L2 so the numbers include memory traffic.</summary>
    public const int ShardBytes = 1 << 20;

    public static (int DataShards, int ParityShards) Parse(string shape)
    {
        var plus = shape.IndexOf('+', StringComparison.Ordinal);
        return (int.Parse(shape.AsSpan(0, plus), provider: null), int.Parse(shape.AsSpan(plus + 1), provider: null));
    }

    public static Memory<byte>[] AllocateEncoded(ReedSolomon codec, int seed)
    {
        var random = new Random(seed);
        var shards = new Memory<byte>[codec.TotalShards];
        for (var i = 0; i < shards.Length; i++)
        {
            var buffer = new byte[ShardBytes];
            if (i < codec.DataShards)
            {
                random.NextBytes(buffer);
            }

            shards[i] = buffer;
        }

        var data = shards.Take(codec.DataShards).Select(s => (ReadOnlyMemory<byte>)s).ToArray();
        codec.Encode(data, shards.AsSpan(codec.DataShards));
        return shards;
    }

    public static IEnumerable<GfKernel> AvailableKernels() => GfKernels.Available.ToArray();
}
