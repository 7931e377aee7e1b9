namespace FastS3.Auth.Internal;

/// <summary>Hex encoding/decoding straight between byte spans (no strings on the hot path).</summary>
internal static class Hex
{
    private static ReadOnlySpan<byte> LowerDigits => "0123456789abcdef"u8;

    private static ReadOnlySpan<byte> UpperDigits => "0123456789ABCDEF"u8;

    public static byte UpperDigit(int value) => UpperDigits[value & 0xF];

    public static void EncodeLower(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            var b = source[i];
            destination[2 * i] = LowerDigits[b >> 4];
            destination[(2 * i) + 1] = LowerDigits[b & 0xF];
        }
    }

    /// <summary>Value of one hex digit, or -1.</summary>
    public static int Value(byte c)
    {
        var d = (uint)(c - '0');
        if (d <= 9)
        {
            return (int)d;
        }

        var l = (uint)((c | 0x20) - 'a');
        return l <= 5 ? (int)(l + 10) : -1;
    }

    /// <summary>Decodes exactly <c>destination.Length * 2</c> hex digits (either case).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.Length != destination.Length * 2)
        {
            return false;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var hi = Value(source[2 * i]);
            var lo = Value(source[(2 * i) + 1]);
            if ((hi | lo) < 0)
            {
                return false;
            }

            destination[i] = (byte)((hi << 4) | lo);
        }

        return true;
    }

    public static string ToLowerString(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
