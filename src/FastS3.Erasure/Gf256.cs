namespace FastS3.Erasure;

/// <summary>
/// Arithmetic in GF(2^8) with the reducing polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D),
/// the field used by Intel ISA-L, Backblaze/klauspost reedsolomon and Linux RAID-6, with
/// generator 2. Addition is XOR; multiplication goes through log/exp tables, and a full
/// 256 x 256 product table (64 KiB) serves the scalar reference kernel and vector tails.
/// </summary>
public static class Gf256
{
    /// <summary>The reducing polynomial, including the x^8 term.</summary>
    public const int Polynomial = 0x11D;

    // 510 entries so Exp[Log[a] + Log[b]] needs no modulo: the largest index is 254 + 254.
    private static readonly byte[] ExpTable = new byte[510];
    private static readonly byte[] LogTable = new byte[256];
    private static readonly byte[] InverseTable = new byte[256];
    private static readonly byte[] ProductTable = new byte[256 * 256];

#pragma warning disable CA1810 // the three tables depend on each other; one constructor builds them in order
    static Gf256()
#pragma warning restore CA1810
    {
        var x = 1;
        for (var i = 0; i < 255; i++)
        {
            ExpTable[i] = (byte)x;
            ExpTable[i + 255] = (byte)x;
            LogTable[x] = (byte)i;
            x <<= 1;
            if ((x & 0x100) != 0)
            {
                x ^= Polynomial;
            }
        }

        for (var a = 1; a < 256; a++)
        {
            InverseTable[a] = ExpTable[255 - LogTable[a]];
            for (var b = 1; b < 256; b++)
            {
                ProductTable[(a << 8) | b] = ExpTable[LogTable[a] + LogTable[b]];
            }
        }
    }

    /// <summary>Row <paramref name="a"/> of the product table: entry b is a * b.</summary>
    public static ReadOnlySpan<byte> ProductRow(byte a) => ProductTable.AsSpan(a << 8, 256);

    /// <summary>a * b.</summary>
    public static byte Multiply(byte a, byte b) => ProductTable[(a << 8) | b];

    /// <summary>The multiplicative inverse of a non-zero element.</summary>
    /// <exception cref="DivideByZeroException">a is zero.</exception>
    public static byte Inverse(byte a)
    {
        if (a == 0)
        {
            ThrowDivideByZero();
        }

        return InverseTable[a];
    }

    /// <summary>a / b for non-zero b.</summary>
    /// <exception cref="DivideByZeroException">b is zero.</exception>
    public static byte Divide(byte a, byte b) => Multiply(a, Inverse(b));

    /// <summary>2^n for n in [0, 254]; the generator's powers cover every non-zero element once.</summary>
    public static byte Exp(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, 254);
        return ExpTable[n];
    }

    /// <summary>The discrete logarithm base 2 of a non-zero element, in [0, 254].</summary>
    public static int Log(byte a)
    {
        ArgumentOutOfRangeException.ThrowIfZero(a);
        return LogTable[a];
    }

    /// <summary>
    /// The 8 x 8 bit matrix of "multiply by <paramref name="c"/>" in the layout GF2P8AFFINEQB
    /// expects: byte (7 - i) of the result is the row producing output bit i, and bit j of
    /// that row says whether input bit j contributes, i.e. bit i of c * 2^j.
    /// </summary>
    public static ulong AffineMatrix(byte c)
    {
        ulong matrix = 0;
        for (var i = 0; i < 8; i++)
        {
            ulong row = 0;
            for (var j = 0; j < 8; j++)
            {
                row |= (ulong)((Multiply(c, (byte)(1 << j)) >> i) & 1) << j;
            }

            matrix |= row << (8 * (7 - i));
        }

        return matrix;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowDivideByZero() => throw new DivideByZeroException("Zero has no inverse in GF(2^8).");
}
