namespace FastS3.Erasure;

/// <summary>
/// Row-major matrices over GF(2^8), stored as flat byte arrays. Only used when a codec is
/// built or an erasure pattern is first seen, so clarity wins over speed here.
/// </summary>
internal static class GfMatrix
{
    /// <summary>
    /// The (k + m) x k systematic generator: identity on top, then a Cauchy block
    /// C[i][j] = 1 / (x_i + y_j) with x_i = k + i and y_j = j (the construction of ISA-L's
    /// gf_gen_cauchy1_matrix). All k + m points are distinct because k + m &lt;= 255, so every
    /// square submatrix of C is non-singular, which makes every k x k submatrix of the whole
    /// generator invertible: any k surviving shards recover the data.
    /// </summary>
    public static byte[] CauchyGenerator(int dataShards, int parityShards)
    {
        var total = dataShards + parityShards;
        var g = new byte[total * dataShards];
        for (var r = 0; r < dataShards; r++)
        {
            g[(r * dataShards) + r] = 1;
        }

        for (var i = 0; i < parityShards; i++)
        {
            var x = (byte)(dataShards + i);
            for (var j = 0; j < dataShards; j++)
            {
                g[((dataShards + i) * dataShards) + j] = Gf256.Inverse((byte)(x ^ j));
            }
        }

        return g;
    }

    /// <summary>Copies the listed rows of a matrix with <paramref name="cols"/> columns.</summary>
    public static byte[] SelectRows(ReadOnlySpan<byte> matrix, int cols, ReadOnlySpan<int> rows)
    {
        var result = new byte[rows.Length * cols];
        for (var r = 0; r < rows.Length; r++)
        {
            matrix.Slice(rows[r] * cols, cols).CopyTo(result.AsSpan(r * cols, cols));
        }

        return result;
    }

    /// <summary>a (n x inner) times b (inner x cols).</summary>
    public static byte[] Multiply(ReadOnlySpan<byte> a, int n, ReadOnlySpan<byte> b, int inner, int cols)
    {
        var result = new byte[n * cols];
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                byte acc = 0;
                for (var t = 0; t < inner; t++)
                {
                    acc ^= Gf256.Multiply(a[(r * inner) + t], b[(t * cols) + c]);
                }

                result[(r * cols) + c] = acc;
            }
        }

        return result;
    }

    /// <summary>
    /// Inverts an n x n matrix by Gauss-Jordan elimination. Returns false when it is singular,
    /// which for a Cauchy-derived generator would be a construction bug.
    /// </summary>
    public static bool TryInvert(ReadOnlySpan<byte> matrix, int n, out byte[] inverse)
    {
        var work = matrix.ToArray();
        inverse = new byte[n * n];
        for (var i = 0; i < n; i++)
        {
            inverse[(i * n) + i] = 1;
        }

        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            while (pivot < n && work[(pivot * n) + col] == 0)
            {
                pivot++;
            }

            if (pivot == n)
            {
                return false;
            }

            if (pivot != col)
            {
                SwapRows(work, n, pivot, col);
                SwapRows(inverse, n, pivot, col);
            }

            var scale = Gf256.Inverse(work[(col * n) + col]);
            ScaleRow(work, n, col, scale);
            ScaleRow(inverse, n, col, scale);

            for (var r = 0; r < n; r++)
            {
                var factor = work[(r * n) + col];
                if (r == col || factor == 0)
                {
                    continue;
                }

                AddScaledRow(work, n, col, r, factor);
                AddScaledRow(inverse, n, col, r, factor);
            }
        }

        return true;
    }

    private static void SwapRows(byte[] m, int n, int a, int b)
    {
        var rowA = m.AsSpan(a * n, n);
        var rowB = m.AsSpan(b * n, n);
        for (var i = 0; i < n; i++)
        {
            (rowA[i], rowB[i]) = (rowB[i], rowA[i]);
        }
    }

    private static void ScaleRow(byte[] m, int n, int row, byte scale)
    {
        var span = m.AsSpan(row * n, n);
        for (var i = 0; i < n; i++)
        {
            span[i] = Gf256.Multiply(span[i], scale);
        }
    }

    // m[to] += factor * m[from]; subtraction is addition in characteristic 2.
    private static void AddScaledRow(byte[] m, int n, int from, int to, byte factor)
    {
        var source = m.AsSpan(from * n, n);
        var target = m.AsSpan(to * n, n);
        for (var i = 0; i < n; i++)
        {
            target[i] ^= Gf256.Multiply(source[i], factor);
        }
    }
}
