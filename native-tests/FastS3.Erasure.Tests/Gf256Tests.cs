namespace FastS3.Erasure.Tests;

public class Gf256Tests
{
    [Theory]
    [InlineData(3, 4, 0x0C)]
    [InlineData(7, 7, 0x15)]
    [InlineData(23, 45, 0x29)]
    [InlineData(0x02, 0x80, 0x1D)] // x * x^7 = x^8 = x^4 + x^3 + x^2 + 1 under 0x11D
    [InlineData(0x80, 0x80, 0x13)]
    [InlineData(0xFF, 0xFF, 0xE2)]
    [InlineData(0x53, 0xCA, 0x8F)] // differs from AES's 0x11B field, where 0x53 * 0xCA = 1
    [InlineData(0x8E, 0x02, 0x01)] // 0x8E is the inverse of 2, as in Linux RAID-6
    [InlineData(0, 0xAB, 0)]
    [InlineData(1, 0xAB, 0xAB)]
    public void Multiply_known_products(int a, int b, int expected)
    {
        Assert.Equal((byte)expected, Gf256.Multiply((byte)a, (byte)b));
        Assert.Equal((byte)expected, Gf256.Multiply((byte)b, (byte)a));
    }

    [Fact]
    public void Multiply_matches_shift_and_add_for_all_65536_pairs()
    {
        for (var a = 0; a < 256; a++)
        {
            var row = Gf256.ProductRow((byte)a);
            for (var b = 0; b < 256; b++)
            {
                var expected = ReferenceField.Multiply((byte)a, (byte)b);
                if (Gf256.Multiply((byte)a, (byte)b) != expected || row[b] != expected)
                {
                    Assert.Fail($"{a:X2} * {b:X2}: expected {expected:X2}");
                }
            }
        }
    }

    [Fact]
    public void Every_non_zero_element_times_its_inverse_is_one()
    {
        for (var a = 1; a < 256; a++)
        {
            Assert.Equal(1, Gf256.Multiply((byte)a, Gf256.Inverse((byte)a)));
            Assert.Equal((byte)a, Gf256.Divide(1, Gf256.Inverse((byte)a)));
        }

        Assert.Equal(0x8C, Gf256.Inverse(0x53));
        Assert.Throws<DivideByZeroException>(() => Gf256.Inverse(0));
    }

    [Fact]
    public void Two_generates_the_multiplicative_group()
    {
        Assert.Equal(1, Gf256.Exp(0));
        Assert.Equal(0x1D, Gf256.Exp(8));
        var seen = new HashSet<byte>();
        for (var n = 0; n < 255; n++)
        {
            var element = Gf256.Exp(n);
            Assert.True(seen.Add(element), $"2^{n} repeats");
            Assert.Equal(n, Gf256.Log(element));
        }

        Assert.Equal(255, seen.Count);
        Assert.DoesNotContain((byte)0, seen);
    }

    [Fact]
    public void Affine_matrix_applied_bitwise_is_multiplication()
    {
        // Checks the GF2P8AFFINEQB layout in software, so a wrong layout is caught even on
        // a CPU without GFNI.
        for (var c = 0; c < 256; c++)
        {
            var matrix = Gf256.AffineMatrix((byte)c);
            for (var x = 0; x < 256; x++)
            {
                if (ReferenceField.ApplyAffine(matrix, (byte)x) != ReferenceField.Multiply((byte)c, (byte)x))
                {
                    Assert.Fail($"matrix of {c:X2} applied to {x:X2}");
                }
            }
        }
    }
}
