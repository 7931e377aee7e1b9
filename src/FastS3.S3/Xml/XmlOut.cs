using System.Buffers;
using System.Globalization;
using System.Text;

namespace FastS3.S3.Xml;

/// <summary>
/// A minimal forward-only XML writer straight into UTF-8 bytes, for S3 response bodies. S3
/// responses are small, flat and fixed in shape; System.Xml's writer would allocate a string
/// builder and encoder per response for no gain.
/// </summary>
public sealed class XmlOut
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public int Length => _buffer.WrittenCount;

    public void Reset() => _buffer.ResetWrittenCount();

    public XmlOut Declaration()
    {
        Raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"u8);
        return this;
    }

    public XmlOut Open(string name, bool s3Namespace = false)
    {
        Raw("<"u8);
        Text(name, escape: false);
        if (s3Namespace)
        {
            Raw(" xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""u8);
        }

        Raw(">"u8);
        return this;
    }

    public XmlOut Close(string name)
    {
        Raw("</"u8);
        Text(name, escape: false);
        Raw(">"u8);
        return this;
    }

    public XmlOut Element(string name, string? value)
    {
        Open(name);
        if (value is not null)
        {
            Text(value, escape: true);
        }

        return Close(name);
    }

    /// <summary>Escaped text inside the element opened last.</summary>
    public XmlOut Content(string value)
    {
        Text(value, escape: true);
        return this;
    }

    public XmlOut Element(string name, long value) => Element(name, value.ToString(CultureInfo.InvariantCulture));

    public XmlOut Element(string name, bool value) => Element(name, value ? "true" : "false");

    public XmlOut Element(string name, DateTimeOffset value) => Element(name, FormatTime(value));

    /// <summary>S3's timestamp form in XML: ISO 8601 with milliseconds, UTC.</summary>
    public static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private void Text(string value, bool escape)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            var special = escape ? IndexOfSpecial(rest) : -1;
            var run = special < 0 ? rest : rest[..special];
            if (!run.IsEmpty)
            {
                var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(run.Length));
                _buffer.Advance(Encoding.UTF8.GetBytes(run, span));
            }

            if (special < 0)
            {
                return;
            }

            var c = rest[special];
            switch (c)
            {
                case '<': Raw("&lt;"u8); break;
                case '>': Raw("&gt;"u8); break;
                case '&': Raw("&amp;"u8); break;
                case '"': Raw("&quot;"u8); break;
                case '\'': Raw("&apos;"u8); break;
                default:
                    // Keys may hold control characters; XML can only carry them as character references.
                    Raw(Encoding.ASCII.GetBytes("&#x" + ((int)c).ToString("X", CultureInfo.InvariantCulture) + ";"));
                    break;
            }

            rest = rest[(special + 1)..];
        }
    }

    private static int IndexOfSpecial(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x20 || c is '<' or '>' or '&' or '"' or '\'')
            {
                return i;
            }
        }

        return -1;
    }
}
