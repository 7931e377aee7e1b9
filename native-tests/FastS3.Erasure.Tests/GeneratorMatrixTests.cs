namespace FastS3.Erasure.Tests;

public class GeneratorMatrixTests
{
    [Fact]
    public void Generator_is_identity_over_cauchy_rows()
    {
        var codec = new ReedSolomon(4, 2);
        var g = codec.Generator.ToArray();
        for (var r = 0; r < 4; r++)
        {
            for (var c = 0; c < 4; c++)
            {
                Assert.Equal(r == c ? 1 : 0, g[(r * 4) + c]);
            }
        }

        // Row k + i, column j is 1 / ((k + i) ^ j), ISA-L's gf_gen_cauchy1_matrix, so
        // parity is byte-compatible with ec_encode_data over that matrix.
        Assert.Equal(new byte[] { 0x47, 0xA7, 0x7A, 0xBA }, g.AsSpan(16, 4).ToArray());
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                Assert.Equal(1, ReferenceField.Multiply(g[((4 + i) * 4) + j], (byte)((4 + i) ^ j)));
            }
        }
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(6, 3)]
    [InlineData(8, 4)]
    [InlineData(10, 4)]
    [InlineData(3, 9)]
    [InlineData(1, 5)]
    public void Every_k_by_k_submatrix_is_invertible(int k, int m)
    {
        var codec = new ReedSolomon(k, m);
        var g = codec.Generator.ToArray();
        var checkedCount = 0;
        foreach (var rows in Combinations(k + m, k))
        {
            var sub = GfMatrix.SelectRows(g, k, rows);
            Assert.True(GfMatrix.TryInvert(sub, k, out var inverse), $"rows {string.Join(",", rows)} singular");
            Assert.True(IsIdentity(GfMatrix.Multiply(sub, k, inverse, k, k), k), $"rows {string.Join(",", rows)}: S x S^-1 != I");
            checkedCount++;
        }

        Assert.Equal(Binomial(k + m, k), checkedCount);
    }

    [Fact]
    public void Singular_matrix_is_reported()
    {
        byte[] singular = [1, 2, 2, 4]; // row 1 = 2 x row 0
        Assert.False(GfMatrix.TryInvert(singular, 2, out _));
    }

    private static bool IsIdentity(byte[] m, int n)
    {
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < n; c++)
            {
                if (m[(r * n) + c] != (r == c ? 1 : 0))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static IEnumerable<int[]> Combinations(int n, int k)
    {
        var current = new int[k];
        for (var i = 0; i < k; i++)
        {
            current[i] = i;
        }

        while (true)
        {
            yield return (int[])current.Clone();
            var pos = k - 1;
            while (pos >= 0 && current[pos] == n - k + pos)
            {
                pos--;
            }

            if (pos < 0)
            {
                yield break;
            }

            current[pos]++;
            for (var i = pos + 1; i < k; i++)
            {
                current[i] = current[i - 1] + 1;
            }
        }
    }

    private static int Binomial(int n, int k)
    {
        long result = 1;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return (int)result;
    }
}
