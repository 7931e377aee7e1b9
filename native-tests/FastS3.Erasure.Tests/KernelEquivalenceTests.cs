using FsCheck.Xunit;

namespace FastS3.Erasure.Tests;

public class KernelEquivalenceTests
{
    private static readonly byte[][] GoldenParity4Plus2 =
    [
        // Independent shift-and-add computation over the Cauchy matrix of GeneratorMatrixTests.
        [0xB8, 0x4D, 0x6D, 0x2B, 0xB5, 0x62, 0xD3, 0xFF],
        [0x8A, 0x99, 0xC8, 0xD0, 0x8D, 0xFE, 0xB3, 0x96],
    ];

    public static TheoryData<GfKernel> Kernels()
    {
        var data = new TheoryData<GfKernel>();
        foreach (var kernel in GfKernels.Available)
        {
            data.Add(kernel);
        }

        return data;
    }

    [Fact]
    public void Scalar_and_every_vector_kernel_are_available_on_x86_with_avx2()
    {
        Assert.Contains(GfKernel.Scalar, GfKernels.Available.ToArray());
        Assert.Equal(GfKernels.Available[^1], GfKernels.Best);
        Assert.Equal(GfKernels.Best, new ReedSolomon(2, 1).Kernel);
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            Assert.True(GfKernels.IsSupported(GfKernel.Avx2));
            Assert.True(GfKernels.IsSupported(GfKernel.Vector128));
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Known_parity_for_4_plus_2(GfKernel kernel)
    {
        var codec = new ReedSolomon(4, 2, kernel);
        Assert.Equal(kernel, codec.Kernel);
        var set = new ShardSet(6, 8, 3);
        for (var i = 0; i < 4; i++)
        {
            for (var p = 0; p < 8; p++)
            {
                set.Shards[i].Span[p] = (byte)((i * 37) + (p * 11) + 5);
            }
        }

        codec.Encode(set.ReadOnlyShards.AsSpan(0, 4), set.Shards.AsSpan(4));
        Assert.Equal(GoldenParity4Plus2[0], set.Shards[4].ToArray());
        Assert.Equal(GoldenParity4Plus2[1], set.Shards[5].ToArray());
        set.AssertGuardsIntact();
    }

    [Property(Arbitrary = [typeof(ErasureArbitraries)], MaxTest = 150)]
    public void Every_kernel_equals_the_scalar_reference(CodingCase c)
    {
        var expected = ShardSet.Encoded(new ReedSolomon(c.DataShards, c.ParityShards, GfKernel.Scalar), c.Length, c.Offset, c.Seed);
        var actual = ShardSet.Encoded(new ReedSolomon(c.DataShards, c.ParityShards, c.Kernel), c.Length, c.Offset, c.Seed);
        for (var i = 0; i < c.TotalShards; i++)
        {
            Assert.True(expected.Shards[i].Span.SequenceEqual(actual.Shards[i].Span), $"shard {i} differs");
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Every_length_around_vector_widths_matches_scalar(GfKernel kernel)
    {
        // 5+7 runs one four-output pass and one three-output pass; lengths cover a lone
        // byte, each vector width +-1 and shorter-than-a-vector shards.
        int[] lengths = [.. Enumerable.Range(1, 200), 1023, 1024, 1025, 4095, 4096, 4097];
        foreach (var length in lengths)
        {
            var scalar = ShardSet.Encoded(new ReedSolomon(5, 7, GfKernel.Scalar), length, length % 7, length);
            var vector = ShardSet.Encoded(new ReedSolomon(5, 7, kernel), length, length % 7, length);
            for (var i = 5; i < 12; i++)
            {
                Assert.True(scalar.Shards[i].Span.SequenceEqual(vector.Shards[i].Span), $"length {length}, shard {i} differs");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Shards_longer_than_a_strip_with_more_than_four_outputs_match_scalar(GfKernel kernel)
    {
        // 100 001 bytes spans four 32 KiB strips and ends ragged; 9 outputs run 4 + 4 + 1.
        const int length = 100_001;
        var scalar = ShardSet.Encoded(new ReedSolomon(6, 9, GfKernel.Scalar), length, 5, 42);
        var vector = ShardSet.Encoded(new ReedSolomon(6, 9, kernel), length, 5, 42);
        for (var i = 6; i < 15; i++)
        {
            Assert.True(scalar.Shards[i].Span.SequenceEqual(vector.Shards[i].Span), $"shard {i} differs");
        }
    }

    [Fact]
    public void Unsupported_kernel_is_rejected_by_name()
    {
        var unsupported = Enum.GetValues<GfKernel>().Where(k => !GfKernels.IsSupported(k)).ToArray();
        foreach (var kernel in unsupported)
        {
            var error = Assert.Throws<ArgumentException>(() => new ReedSolomon(4, 2, kernel));
            Assert.Equal("kernel", error.ParamName);
        }

        var unknown = Assert.Throws<ArgumentException>(() => new ReedSolomon(4, 2, (GfKernel)99));
        Assert.Equal("kernel", unknown.ParamName);
    }
}
