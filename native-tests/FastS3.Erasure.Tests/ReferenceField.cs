namespace FastS3.Erasure.Tests;

/// <summary>
/// GF(2^8)/0x11D arithmetic written the slow, obvious way (shift-and-add), sharing no table
/// with the library, so table-driven code is checked against something independent.
/// </summary>
internal static class ReferenceField
{
    public static byte Multiply(byte a, byte b)
    {
        int x = a, y = b, product = 0;
        while (y != 0)
        {
            if ((y & 1) != 0)
            {
                product ^= x;
            }

            x <<= 1;
            if ((x & 0x100) != 0)
            {
                x ^= 0x11D;
            }

            y >>= 1;
        }

        return (byte)product;
    }

    /// <summary>What GF2P8AFFINEQB computes for one byte: output bit i = parity(row(7 - i) AND x).</summary>
    public static byte ApplyAffine(ulong matrix, byte x)
    {
        var result = 0;
        for (var i = 0; i < 8; i++)
        {
            var row = (byte)(matrix >> (8 * (7 - i)));
            result |= (System.Numerics.BitOperations.PopCount((uint)(row & x)) & 1) << i;
        }

        return (byte)result;
    }
}
