namespace FastS3.Erasure.Kernels;

/// <summary>
/// Builds the split-nibble form of a coefficient c: low[n] = c * n and high[n] = c * (n &lt;&lt; 4)
/// for n in 0..15. Because multiplication distributes over XOR, c * x = low[x &amp; 15] ^ high[x &gt;&gt; 4].
/// </summary>
internal static class NibbleTables
{
    /// <summary>
    /// Writes the low table repeated to <paramref name="vectorBytes"/>, then the high table
    /// repeated likewise: shuffle instructions look up within 16-byte lanes, so every lane
    /// needs its own copy.
    /// </summary>
    public static void Write(byte coefficient, Span<byte> destination, int vectorBytes)
    {
        var row = Gf256.ProductRow(coefficient);
        for (var lane = 0; lane < vectorBytes; lane += 16)
        {
            for (var n = 0; n < 16; n++)
            {
                destination[lane + n] = row[n];
                destination[vectorBytes + lane + n] = row[n << 4];
            }
        }
    }
}
