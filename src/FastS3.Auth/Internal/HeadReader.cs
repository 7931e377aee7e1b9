using FastS3.Common.Http;

namespace FastS3.Auth.Internal;

/// <summary>Header and query lookups over an <see cref="IRequestHead"/> without allocating.</summary>
internal static class HeadReader
{
    /// <summary>First header named <paramref name="name"/> (ASCII case-insensitive); returns how many there are.</summary>
    public static int Find<T>(in T head, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
        where T : IRequestHead, allows ref struct
    {
        value = default;
        var found = 0;
        var count = head.HeaderCount;
        for (var i = 0; i < count; i++)
        {
            if (Ascii8.EqualsIgnoreCase(head.HeaderName(i), name))
            {
                if (found++ == 0)
                {
                    value = head.HeaderValue(i);
                }
            }
        }

        return found;
    }

    /// <summary>Raw (still percent-encoded) value of the first query parameter whose raw name is exactly <paramref name="name"/>.</summary>
    public static bool TryGetQuery(ReadOnlySpan<byte> query, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> rawValue) =>
        TryGetQuery(query, name, out rawValue, out _);

    /// <summary>As above; <paramref name="hasEquals"/> tells "name=" (value possibly empty) from a bare "name".</summary>
    public static bool TryGetQuery(ReadOnlySpan<byte> query, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> rawValue, out bool hasEquals)
    {
        rawValue = default;
        hasEquals = false;
        var rest = query;
        while (!rest.IsEmpty)
        {
            var amp = rest.IndexOf((byte)'&');
            var pair = amp < 0 ? rest : rest[..amp];
            rest = amp < 0 ? default : rest[(amp + 1)..];
            if (pair.StartsWith(name) && (pair.Length == name.Length || pair[name.Length] == '='))
            {
                hasEquals = pair.Length > name.Length;
                rawValue = hasEquals ? pair[(name.Length + 1)..] : default;
                return true;
            }
        }

        return false;
    }

    /// <summary>Percent-decodes into <paramref name="destination"/>; '+' stays '+'. False if it does not fit.</summary>
    public static bool TryPercentDecode(ReadOnlySpan<byte> raw, Span<byte> destination, out int written)
    {
        written = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%' && i + 2 < raw.Length)
            {
                var hi = Hex.Value(raw[i + 1]);
                var lo = Hex.Value(raw[i + 2]);
                if ((hi | lo) >= 0)
                {
                    c = (byte)((hi << 4) | lo);
                    i += 2;
                }
            }

            if (written == destination.Length)
            {
                return false;
            }

            destination[written++] = c;
        }

        return true;
    }
}
