using System.Text;

namespace FastS3.S3.Routing;

/// <summary>The request's query, percent-decoded into name/value pairs ('+' is a space in a
/// query, per the form encoding clients use there, but never in the path).</summary>
public sealed class QueryString
{
    private readonly List<KeyValuePair<string, string>> _pairs = [];

    public static QueryString Empty { get; } = new();

    public int Count => _pairs.Count;

    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    public static QueryString Parse(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
        {
            return Empty;
        }

        var q = new QueryString();
        foreach (var range in raw.Split((byte)'&'))
        {
            var part = raw[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var eq = part.IndexOf((byte)'=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? default : part[(eq + 1)..];
            q._pairs.Add(new(Decode(name, plusIsSpace: true), Decode(value, plusIsSpace: true)));
        }

        return q;
    }

    public bool Contains(string name) => IndexOf(name) >= 0;

    public string? Get(string name)
    {
        var i = IndexOf(name);
        return i < 0 ? null : _pairs[i].Value;
    }

    /// <summary>Percent-decodes to UTF-8 text; null when the bytes are not valid UTF-8 or the escapes are malformed.</summary>
    public static string Decode(ReadOnlySpan<byte> encoded, bool plusIsSpace)
    {
        if (encoded.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            return Encoding.UTF8.GetString(encoded);
        }

        var buffer = encoded.Length <= 512 ? stackalloc byte[encoded.Length] : new byte[encoded.Length];
        var n = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == (byte)'%' && i + 2 < encoded.Length && IsHex(encoded[i + 1]) && IsHex(encoded[i + 2]))
            {
                buffer[n++] = (byte)((HexVal(encoded[i + 1]) << 4) | HexVal(encoded[i + 2]));
                i += 2;
            }
            else if (b == (byte)'+' && plusIsSpace)
            {
                buffer[n++] = (byte)' ';
            }
            else
            {
                buffer[n++] = b;
            }
        }

        return Encoding.UTF8.GetString(buffer[..n]);
    }

    /// <summary>Percent-decodes a path segment strictly: malformed escapes or invalid UTF-8 -> false.</summary>
    public static bool TryDecodePath(ReadOnlySpan<byte> encoded, out string decoded, out int byteLength)
    {
        var buffer = encoded.Length <= 2048 ? stackalloc byte[encoded.Length] : new byte[encoded.Length];
        var n = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == (byte)'%')
            {
                if (i + 2 >= encoded.Length || !IsHex(encoded[i + 1]) || !IsHex(encoded[i + 2]))
                {
                    decoded = string.Empty;
                    byteLength = 0;
                    return false;
                }

                buffer[n++] = (byte)((HexVal(encoded[i + 1]) << 4) | HexVal(encoded[i + 2]));
                i += 2;
            }
            else
            {
                buffer[n++] = b;
            }
        }

        byteLength = n;
        if (!System.Text.Unicode.Utf8.IsValid(buffer[..n]))
        {
            decoded = string.Empty;
            return false;
        }

        decoded = Encoding.UTF8.GetString(buffer[..n]);
        return true;
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _pairs.Count; i++)
        {
            if (_pairs[i].Key == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsHex(byte b) => Uri.IsHexDigit((char)b);

    private static int HexVal(byte b) => Uri.FromHex((char)b);
}
