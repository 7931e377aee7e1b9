using System.Buffers;
using FastS3.Erasure.Kernels;

namespace FastS3.Erasure;

public sealed partial class ReedSolomon
{
    // Parity is recomputed in strips into a pooled buffer of m x 16 KiB (64 KiB for 8+4)
    // rather than a full shard per parity, so verifying 1 MiB shards needs no large scratch.
    private const int VerifyStripBytes = 16 * 1024;

    /// <summary>
    /// Whether the parity shards match the data shards: false if any byte of any shard has
    /// changed since encoding (any single-shard corruption changes at least one parity byte).
    /// </summary>
    /// <exception cref="ArgumentException">Wrong shard count or unequal lengths.</exception>
    public bool Verify(ReadOnlySpan<ReadOnlyMemory<byte>> shards)
    {
        CheckCount(shards.Length, TotalShards, nameof(shards));
        var length = shards[0].Length;
        for (var i = 1; i < shards.Length; i++)
        {
            CheckLength(shards[i].Length, length, i, nameof(shards));
        }

        if (ParityShards == 0 || length == 0)
        {
            return true;
        }

        var stripBytes = Math.Min(length, VerifyStripBytes);
        var scratch = ArrayPool<byte>.Shared.Rent(ParityShards * stripBytes);
        try
        {
            using var pins = ShardPins.Rent(TotalShards + 1);
            Span<nint> bases = stackalloc nint[TotalShards];
            for (var i = 0; i < bases.Length; i++)
            {
                bases[i] = pins.Pin(i, shards[i]);
            }

            var scratchBase = pins.Pin(TotalShards, scratch);
            Span<nint> inputs = stackalloc nint[DataShards];
            Span<nint> outputs = stackalloc nint[ParityShards];
            for (var o = 0; o < outputs.Length; o++)
            {
                outputs[o] = scratchBase + (o * stripBytes);
            }

            for (var start = 0; start < length; start += stripBytes)
            {
                var count = Math.Min(stripBytes, length - start);
                for (var i = 0; i < inputs.Length; i++)
                {
                    inputs[i] = bases[i] + start;
                }

                _kernel.Run(inputs, outputs, _encodePlan.Coefficients, _encodePlan.Expanded, count);
                for (var o = 0; o < ParityShards; o++)
                {
                    var expected = scratch.AsSpan(o * stripBytes, count);
                    if (!expected.SequenceEqual(shards[DataShards + o].Span.Slice(start, count)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
