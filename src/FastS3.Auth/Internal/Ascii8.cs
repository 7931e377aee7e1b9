using System.Text;

namespace FastS3.Auth.Internal;

/// <summary>Small ASCII helpers over UTF-8 bytes.</summary>
internal static class Ascii8
{
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => Ascii.EqualsIgnoreCase(a, b);

    public static byte ToLower(byte c) => (uint)(c - 'A') <= 'Z' - 'A' ? (byte)(c | 0x20) : c;

    /// <summary>RFC 3986 section 2.3 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~".</summary>
    public static bool IsUnreserved(byte c) =>
        (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 || c is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    /// <summary>Parses a non-negative decimal of at most 18 digits (no sign, no spaces).</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 18)
        {
            return false;
        }

        foreach (var c in s)
        {
            var d = (uint)(c - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
    }

    /// <summary>Parses an ISO 8601 basic timestamp <c>yyyyMMddTHHmmssZ</c> (SigV4's X-Amz-Date form).</summary>
    public static bool TryParseAmzDate(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length != 16 || s[8] != 'T' || s[15] != 'Z')
        {
            return false;
        }

        if (!TryDigits(s[..4], out var year) || !TryDigits(s.Slice(4, 2), out var month) || !TryDigits(s.Slice(6, 2), out var day)
            || !TryDigits(s.Slice(9, 2), out var hour) || !TryDigits(s.Slice(11, 2), out var minute) || !TryDigits(s.Slice(13, 2), out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
        return true;
    }

    public static void FormatAmzDate(DateTimeOffset time, Span<byte> destination16)
    {
        var t = time.UtcDateTime;
        Write(destination16[..4], t.Year);
        Write(destination16.Slice(4, 2), t.Month);
        Write(destination16.Slice(6, 2), t.Day);
        destination16[8] = (byte)'T';
        Write(destination16.Slice(9, 2), t.Hour);
        Write(destination16.Slice(11, 2), t.Minute);
        Write(destination16.Slice(13, 2), t.Second);
        destination16[15] = (byte)'Z';

        static void Write(Span<byte> d, int v)
        {
            for (var i = d.Length - 1; i >= 0; i--)
            {
                d[i] = (byte)('0' + (v % 10));
                v /= 10;
            }
        }
    }

    private static bool TryDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            var d = (uint)(c - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }

    public static string ToStringLatin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
