namespace FastS3.Auth.Checksums;

/// <summary>
/// CRC(A || B) from CRC(A), CRC(B) and |B|, without the data: what a full-object checksum
/// (x-amz-checksum-type: FULL_OBJECT) of a multipart upload needs, since the parts arrive as
/// separate requests. GF(2) matrix method of zlib's crc32_combine, generalized to the
/// reflected 32- and 64-bit CRCs S3 uses (all with init and xorout all-ones, so the
/// pre/post-conditioning cancels and finished CRC values combine directly). O(log |B|).
/// </summary>
public static class CrcCombine
{
    private const ulong Crc32Poly = 0xEDB88320UL;
    private const ulong Crc32CPoly = 0x82F63B78UL;
    private const ulong Crc64NvmePoly = 0x9A6C9329AC4BC9B5UL;

    public static ulong Combine(ChecksumAlgorithm algorithm, ulong crcA, ulong crcB, long lengthB) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => Combine(crcA, crcB, lengthB, Crc32Poly, 32),
        ChecksumAlgorithm.Crc32C => Combine(crcA, crcB, lengthB, Crc32CPoly, 32),
        ChecksumAlgorithm.Crc64Nvme => Combine(crcA, crcB, lengthB, Crc64NvmePoly, 64),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), "Only CRC algorithms combine."),
    };

    private static ulong Combine(ulong crc1, ulong crc2, long length2, ulong poly, int width)
    {
        if (length2 <= 0)
        {
            return crc1;
        }

        Span<ulong> even = stackalloc ulong[64];
        Span<ulong> odd = stackalloc ulong[64];
        even = even[..width];
        odd = odd[..width];

        // odd = operator for one zero bit.
        odd[0] = poly;
        ulong row = 1;
        for (var n = 1; n < width; n++)
        {
            odd[n] = row;
            row <<= 1;
        }

        Square(even, odd); // two zero bits
        Square(odd, even); // four zero bits

        // Apply len2 zero bytes to crc1 (first square gives one zero byte).
        var len = (ulong)length2;
        do
        {
            Square(even, odd);
            if ((len & 1) != 0)
            {
                crc1 = Times(even, crc1);
            }

            len >>= 1;
            if (len == 0)
            {
                break;
            }

            Square(odd, even);
            if ((len & 1) != 0)
            {
                crc1 = Times(odd, crc1);
            }

            len >>= 1;
        }
        while (len != 0);

        return crc1 ^ crc2;
    }

    private static ulong Times(ReadOnlySpan<ulong> matrix, ulong vector)
    {
        ulong sum = 0;
        var i = 0;
        while (vector != 0)
        {
            if ((vector & 1) != 0)
            {
                sum ^= matrix[i];
            }

            vector >>= 1;
            i++;
        }

        return sum;
    }

    private static void Square(Span<ulong> square, ReadOnlySpan<ulong> matrix)
    {
        for (var n = 0; n < matrix.Length; n++)
        {
            square[n] = Times(matrix, matrix[n]);
        }
    }
}
