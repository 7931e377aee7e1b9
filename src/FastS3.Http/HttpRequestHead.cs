using System.Buffers.Text;
using System.Text;
using FastS3.Common.Http;

namespace FastS3.Http;

/// <summary>
/// One parsed request head. The head bytes are copied out of the pipe into <see cref="_buffer"/>
/// (a few hundred bytes for a typical S3 request) so every span handed out here stays valid for
/// the whole request, while the body is read and the pipe moves on. One instance per connection,
/// reset per request: no allocation once warm.
/// </summary>
public sealed class HttpRequestHead : IRequestHead
{
    private readonly byte[] _buffer;
    private HeaderEntry[] _headers = new HeaderEntry[32];
    private int _headerCount;
    private int _methodLength;
    private int _pathStart;
    private int _pathLength;
    private int _queryStart;
    private int _queryLength;

    public HttpRequestHead(int maxHeadBytes)
    {
        _buffer = GC.AllocateUninitializedArray<byte>(maxHeadBytes);
    }

    public RequestMethod KnownMethod { get; internal set; }

    /// <summary>True for HTTP/1.1, false for HTTP/1.0.</summary>
    public bool IsHttp11 { get; internal set; }

    /// <summary>-1 when the request carries no Content-Length.</summary>
    public long ContentLength { get; internal set; } = -1;

    public bool IsChunked { get; internal set; }

    public bool ExpectContinue { get; internal set; }

    /// <summary>True when the client asked to close (or HTTP/1.0 without keep-alive).</summary>
    public bool ConnectionClose { get; internal set; }

    /// <summary>Index of the Host header, or -1.</summary>
    public int HostIndex { get; internal set; } = -1;

    /// <summary>Length of the head in bytes, including the final empty line.</summary>
    public int HeadLength { get; internal set; }

    public ReadOnlySpan<byte> Method => _buffer.AsSpan(0, _methodLength);

    public ReadOnlySpan<byte> Path => _buffer.AsSpan(_pathStart, _pathLength);

    public ReadOnlySpan<byte> Query => _buffer.AsSpan(_queryStart, _queryLength);

    public ReadOnlySpan<byte> Host => HostIndex < 0 ? default : HeaderValue(HostIndex);

    public int HeaderCount => _headerCount;

    public bool HasBody => IsChunked || ContentLength > 0;

    internal byte[] Buffer => _buffer;

    public ReadOnlySpan<byte> HeaderName(int index)
    {
        ref readonly var h = ref _headers[index];
        return _buffer.AsSpan(h.NameStart, h.NameLength);
    }

    public ReadOnlySpan<byte> HeaderValue(int index)
    {
        ref readonly var h = ref _headers[index];
        return _buffer.AsSpan(h.ValueStart, h.ValueLength);
    }

    /// <summary>Index of the first header whose name equals <paramref name="lowerName"/> ignoring
    /// ASCII case (pass the name in lower case), or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> lowerName)
    {
        for (var i = 0; i < _headerCount; i++)
        {
            ref readonly var h = ref _headers[i];
            if (h.NameLength == lowerName.Length && Ascii.EqualsIgnoreCase(_buffer.AsSpan(h.NameStart, h.NameLength), lowerName))
            {
                return i;
            }
        }

        return -1;
    }

    public bool TryGetHeader(ReadOnlySpan<byte> lowerName, out ReadOnlySpan<byte> value)
    {
        var i = IndexOf(lowerName);
        value = i < 0 ? default : HeaderValue(i);
        return i >= 0;
    }

    /// <summary>A header value as a string (UTF-8 decoded), or null when absent. Allocates: for
    /// values that are stored or echoed, not for hot-path checks.</summary>
    public string? GetHeaderString(ReadOnlySpan<byte> lowerName) =>
        TryGetHeader(lowerName, out var v) ? System.Text.Encoding.UTF8.GetString(v) : null;

    public string MethodString => System.Text.Encoding.ASCII.GetString(Method);

    internal void Reset()
    {
        _headerCount = 0;
        _methodLength = 0;
        _pathStart = _pathLength = _queryStart = _queryLength = 0;
        KnownMethod = RequestMethod.Custom;
        IsHttp11 = true;
        ContentLength = -1;
        IsChunked = false;
        ExpectContinue = false;
        ConnectionClose = false;
        HostIndex = -1;
        HeadLength = 0;
    }

    internal void SetRequestLine(int methodLength, int pathStart, int pathLength, int queryStart, int queryLength)
    {
        _methodLength = methodLength;
        _pathStart = pathStart;
        _pathLength = pathLength;
        _queryStart = queryStart;
        _queryLength = queryLength;
    }

    internal int AddHeader(int nameStart, int nameLength, int valueStart, int valueLength)
    {
        if (_headerCount == _headers.Length)
        {
            Array.Resize(ref _headers, _headers.Length * 2);
        }

        _headers[_headerCount] = new HeaderEntry(nameStart, nameLength, valueStart, valueLength);
        return _headerCount++;
    }

    /// <summary>Parses an unsigned decimal that must fit in a long; false on any other byte.</summary>
    internal static bool TryParseLength(ReadOnlySpan<byte> value, out long length) =>
        Utf8Parser.TryParse(value, out length, out var consumed) && consumed == value.Length && length >= 0 && value.Length > 0 && value[0] is >= (byte)'0' and <= (byte)'9';

    private readonly record struct HeaderEntry(int NameStart, int NameLength, int ValueStart, int ValueLength);
}
