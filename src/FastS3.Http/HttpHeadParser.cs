using System.Buffers;
using System.Runtime.CompilerServices;

namespace FastS3.Http;

/// <summary>
/// The HTTP/1.1 request-head parser (RFC 9112 §2-§6). Stateless: the caller keeps how many bytes
/// of the head it has already copied and scanned, so a head that arrives a byte at a time costs
/// O(n) in total, not O(n^2) (the slowloris shape).
/// Strict where leniency enables request smuggling: bare LF, obs-fold, whitespace before the
/// colon, conflicting lengths and Content-Length together with Transfer-Encoding are all refused.
/// </summary>
public static class HttpHeadParser
{
    private static readonly SearchValues<byte> TokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>
    /// Copies the new bytes of <paramref name="input"/> (those past <paramref name="scanned"/>) into
    /// the head buffer and looks for the empty line that ends the head.
    /// Returns true with <see cref="HttpRequestHead.HeadLength"/> set once the head is complete;
    /// false means "need more bytes" and <paramref name="scanned"/> says how far it got.
    /// Throws <see cref="BadHttpRequestException"/> for a bare LF or a head over the limits.
    /// </summary>
    public static bool TryReadHead(in ReadOnlySequence<byte> input, HttpRequestHead head, HttpLimits limits, ref int scanned)
    {
        var buffer = head.Buffer;
        var available = (int)Math.Min(input.Length, buffer.Length);
        if (available > scanned)
        {
            input.Slice(scanned, available - scanned).CopyTo(buffer.AsSpan(scanned));
        }

        // Resume three bytes back so a CRLFCRLF split across reads is still seen.
        var from = Math.Max(0, scanned - 3);
        var data = buffer.AsSpan(0, available);
        while (true)
        {
            var rel = data[from..].IndexOf((byte)'\n');
            if (rel < 0)
            {
                break;
            }

            var lf = from + rel;
            if (lf == 0 || data[lf - 1] != (byte)'\r')
            {
                BadHttpRequestException.Throw(RequestRejectionReason.BareLineFeed);
            }

            if (lf + 1 > limits.MaxRequestLineBytes && data[..(lf - 1)].IndexOf((byte)'\n') < 0)
            {
                BadHttpRequestException.Throw(RequestRejectionReason.RequestLineTooLong);
            }

            // An empty line: the previous line ended right before this CRLF.
            if (lf >= 3 && data[lf - 2] == (byte)'\n')
            {
                head.HeadLength = lf + 1;
                scanned = available;
                return true;
            }

            from = lf + 1;
        }

        scanned = available;
        if (data.IndexOf((byte)'\n') < 0 && available > limits.MaxRequestLineBytes)
        {
            BadHttpRequestException.Throw(RequestRejectionReason.RequestLineTooLong);
        }

        if (available >= buffer.Length)
        {
            BadHttpRequestException.Throw(RequestRejectionReason.HeadersTooLarge);
        }

        return false;
    }

    /// <summary>Parses the complete head already in <paramref name="head"/>'s buffer.</summary>
    public static void Parse(HttpRequestHead head, HttpLimits limits)
    {
        var data = head.Buffer.AsSpan(0, head.HeadLength);
        var lineEnd = data.IndexOf("\r\n"u8);
        ParseRequestLine(head, data[..lineEnd]);

        var headerBytes = head.HeadLength - (lineEnd + 2);
        if (headerBytes > limits.MaxHeaderBytes + 2)
        {
            BadHttpRequestException.Throw(RequestRejectionReason.HeadersTooLarge);
        }

        var pos = lineEnd + 2;
        while (true)
        {
            var rest = data[pos..];
            var eol = rest.IndexOf("\r\n"u8);
            if (eol == 0)
            {
                break;
            }

            if (head.HeaderCount >= limits.MaxHeaderCount)
            {
                BadHttpRequestException.Throw(RequestRejectionReason.TooManyHeaders);
            }

            ParseHeaderLine(head, rest[..eol], pos);
            pos += eol + 2;
        }

        ApplyFraming(head);
    }

    private static void ParseRequestLine(HttpRequestHead head, ReadOnlySpan<byte> line)
    {
        var sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0)
        {
            BadHttpRequestException.Throw(RequestRejectionReason.InvalidRequestLine, line);
        }

        var method = line[..sp1];
        if (method.IndexOfAnyExcept(TokenChars) >= 0)
        {
            BadHttpRequestException.Throw(RequestRejectionReason.InvalidMethod, method);
        }

        var rest = line[(sp1 + 1)..];
        var sp2 = rest.IndexOf((byte)' ');
        if (sp2 <= 0)
        {
            BadHttpRequestException.Throw(RequestRejectionReason.InvalidRequestLine, line);
        }

        var target = rest[..sp2];
        var version = rest[(sp2 + 1)..];
        if (version.SequenceEqual("HTTP/1.1"u8))
        {
            head.IsHttp11 = true;
        }
        else if (version.SequenceEqual("HTTP/1.0"u8))
        {
            head.IsHttp11 = false;
            head.ConnectionClose = true;
        }
        else if (version.Length == 8 && version.StartsWith("HTTP/"u8))
        {
            BadHttpRequestException.Throw(RequestRejectionReason.UnsupportedHttpVersion, version);
        }
        else
        {
            BadHttpRequestException.Throw(RequestRejectionReason.InvalidRequestLine, line);
        }

        // Target bytes: visible ASCII only (RFC 9112 §3.2); anything else is a framing attack or garbage.
        foreach (var b in target)
        {
            if (b <= 0x20 || b >= 0x7F)
            {
                BadHttpRequestException.Throw(RequestRejectionReason.InvalidRequestTarget, target);
            }
        }

        var targetStart = sp1 + 1;
        var pathOffset = 0;
        if (target[0] != (byte)'/')
        {
            // absolute-form (RFC 9112 §3.2.2): http://host[:port]/path
            var scheme = target.IndexOf("://"u8);
            if (scheme <= 0)
            {
                BadHttpRequestException.Throw(RequestRejectionReason.InvalidRequestTarget, target);
            }

            // The path starts at the first '/' of what follows the authority; a '?' or the end
            // first means an empty path (never take a '/' inside the query for the path).
            var slash = target[(scheme + 3)..].IndexOfAny((byte)'/', (byte)'?');
            if (slash < 0 || target[scheme + 3 + slash] != (byte)'/')
            {
                BadHttpRequestException.Throw(RequestRejectionReason.InvalidRequestTarget, target);
            }

            pathOffset = scheme + 3 + slash;
        }

        var pathAndQuery = target[pathOffset..];
        var q = pathAndQuery.IndexOf((byte)'?');
        var pathStart = targetStart + pathOffset;
        if (q < 0)
        {
            head.SetRequestLine(sp1, pathStart, pathAndQuery.Length, pathStart + pathAndQuery.Length, 0);
        }
        else
        {
            head.SetRequestLine(sp1, pathStart, q, pathStart + q + 1, pathAndQuery.Length - q - 1);
        }

        head.KnownMethod = GetKnownMethod(method);
    }

    /// <summary>Known methods compared as one integer load where the token fits (Kestrel's trick).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static RequestMethod GetKnownMethod(ReadOnlySpan<byte> method)
    {
        switch (method.Length)
        {
            case 3:
                if (method.SequenceEqual("GET"u8))
                {
                    return RequestMethod.Get;
                }

                if (method.SequenceEqual("PUT"u8))
                {
                    return RequestMethod.Put;
                }

                break;
            case 4:
                var four = Unsafe.ReadUnaligned<uint>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(method));
                if (four == Unsafe.ReadUnaligned<uint>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference("HEAD"u8)))
                {
                    return RequestMethod.Head;
                }

                if (four == Unsafe.ReadUnaligned<uint>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference("POST"u8)))
                {
                    return RequestMethod.Post;
                }

                break;
            case 5:
                if (method.SequenceEqual("PATCH"u8))
                {
                    return RequestMethod.Patch;
                }

                break;
            case 6:
                if (method.SequenceEqual("DELETE"u8))
                {
                    return RequestMethod.Delete;
                }

                break;
            case 7:
                if (method.SequenceEqual("OPTIONS"u8))
                {
                    return RequestMethod.Options;
                }

                break;
        }

        return RequestMethod.Custom;
    }

    private static void ParseHeaderLine(HttpRequestHead head, ReadOnlySpan<byte> line, int lineStart)
    {
        if (line[0] is (byte)' ' or (byte)'\t')
        {
            // obs-fold (RFC 9112 §5.2): a server must reject it or unfold it; unfolding is how smuggling starts.
            BadHttpRequestException.Throw(RequestRejectionReason.ObsoleteLineFolding, line);
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            BadHttpRequestException.Throw(RequestRejectionReason.InvalidHeaderLine, line);
        }

        var name = line[..colon];
        if (name.IndexOfAnyExcept(TokenChars) >= 0)
        {
            // Includes whitespace before the colon, which RFC 9112 §5.1 says must be rejected with 400.
            BadHttpRequestException.Throw(RequestRejectionReason.InvalidHeaderLine, line);
        }

        var valueStart = colon + 1;
        var valueEnd = line.Length;
        while (valueStart < valueEnd && line[valueStart] is (byte)' ' or (byte)'\t')
        {
            valueStart++;
        }

        while (valueEnd > valueStart && line[valueEnd - 1] is (byte)' ' or (byte)'\t')
        {
            valueEnd--;
        }

        var value = line[valueStart..valueEnd];
        foreach (var b in value)
        {
            // Field values are VCHAR, obs-text, SP and HTAB (RFC 9110 §5.5); a CR or NUL here is an attack.
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7F)
            {
                BadHttpRequestException.Throw(RequestRejectionReason.InvalidHeaderLine, line);
            }
        }

        head.AddHeader(lineStart, colon, lineStart + valueStart, valueEnd - valueStart);
    }

    /// <summary>Decides message framing from the known headers (RFC 9112 §6.3).</summary>
    private static void ApplyFraming(HttpRequestHead head)
    {
        var sawTransferEncoding = false;
        for (var i = 0; i < head.HeaderCount; i++)
        {
            var name = head.HeaderName(i);
            var value = head.HeaderValue(i);
            switch (name.Length)
            {
                case 4 when System.Text.Ascii.EqualsIgnoreCase(name, "host"u8):
                    if (head.HostIndex >= 0)
                    {
                        // RFC 9112 §3.2: more than one Host is a 400; two layers could disagree on which counts.
                        BadHttpRequestException.Throw(RequestRejectionReason.InvalidHeaderLine, value);
                    }

                    head.HostIndex = i;
                    break;
                case 6 when System.Text.Ascii.EqualsIgnoreCase(name, "expect"u8):
                    // RFC 9110 §10.1.1: ignore the expectation in an HTTP/1.0 request.
                    head.ExpectContinue = head.IsHttp11 && System.Text.Ascii.EqualsIgnoreCase(value, "100-continue"u8);
                    break;
                case 10 when System.Text.Ascii.EqualsIgnoreCase(name, "connection"u8):
                    if (ContainsToken(value, "close"u8))
                    {
                        head.ConnectionClose = true;
                    }
                    else if (!head.IsHttp11 && ContainsToken(value, "keep-alive"u8))
                    {
                        head.ConnectionClose = false;
                    }

                    break;
                case 14 when System.Text.Ascii.EqualsIgnoreCase(name, "content-length"u8):
                    if (!HttpRequestHead.TryParseLength(value, out var length))
                    {
                        BadHttpRequestException.Throw(RequestRejectionReason.InvalidContentLength, value);
                    }

                    if (head.ContentLength >= 0 && head.ContentLength != length)
                    {
                        BadHttpRequestException.Throw(RequestRejectionReason.ConflictingContentLength, value);
                    }

                    head.ContentLength = length;
                    break;
                case 17 when System.Text.Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8):
                    if (sawTransferEncoding || !System.Text.Ascii.EqualsIgnoreCase(value, "chunked"u8))
                    {
                        // Only a single "chunked" is understood; anything else cannot be framed safely.
                        BadHttpRequestException.Throw(RequestRejectionReason.UnsupportedTransferEncoding, value);
                    }

                    sawTransferEncoding = true;
                    head.IsChunked = true;
                    break;
            }
        }

        if (head.IsChunked && head.ContentLength >= 0)
        {
            // RFC 9112 §6.3: both present is the classic smuggling setup; refuse and close.
            BadHttpRequestException.Throw(RequestRejectionReason.ContentLengthWithTransferEncoding);
        }

        if (head.IsHttp11 && head.HostIndex < 0)
        {
            BadHttpRequestException.Throw(RequestRejectionReason.MissingHost);
        }
    }

    private static bool ContainsToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (System.Text.Ascii.EqualsIgnoreCase(value[range].Trim((byte)' '), token))
            {
                return true;
            }
        }

        return false;
    }
}
