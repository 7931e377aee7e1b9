using System.Text;
using FastS3.Common.Http;

namespace FastS3.Auth.Tests;

/// <summary>
/// A deliberately small HTTP/1.1 head parser for test inputs: request line, "name: value"
/// lines ended by CRLF or LF, blank line, body. Continuation lines (obs-fold, used by one SigV4
/// suite case) become another value of the previous header, which is how that case signs them.
/// </summary>
internal sealed class RawRequest : IRequestHead
{
    private readonly byte[] _method;
    private readonly byte[] _path;
    private readonly byte[] _query;
    private readonly List<(byte[] Name, byte[] Value)> _headers = [];

    private RawRequest(byte[] method, byte[] path, byte[] query, byte[] body)
    {
        _method = method;
        _path = path;
        _query = query;
        Body = body;
    }

    public byte[] Body { get; }

    public ReadOnlySpan<byte> Method => _method;

    public ReadOnlySpan<byte> Path => _path;

    public ReadOnlySpan<byte> Query => _query;

    public int HeaderCount => _headers.Count;

    public ReadOnlySpan<byte> HeaderName(int index) => _headers[index].Name;

    public ReadOnlySpan<byte> HeaderValue(int index) => _headers[index].Value;

    public string? Header(string name)
    {
        var values = _headers.Where(h => Encoding.ASCII.GetString(h.Name).Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(h => Encoding.UTF8.GetString(h.Value)).ToList();
        return values.Count == 0 ? null : string.Join(",", values);
    }

    public static RawRequest Parse(byte[] bytes)
    {
        var pos = 0;
        var requestLine = ReadLine(bytes, ref pos) ?? throw new FormatException("no request line");
        var sp1 = Array.IndexOf(requestLine, (byte)' ');
        var sp2 = Array.LastIndexOf(requestLine, (byte)' ');
        var method = requestLine[..sp1];
        var target = requestLine[(sp1 + 1)..sp2];
        var q = Array.IndexOf(target, (byte)'?');
        var path = q < 0 ? target : target[..q];
        var query = q < 0 ? [] : target[(q + 1)..];

        var headers = new List<(byte[], byte[])>();
        while (true)
        {
            var line = ReadLine(bytes, ref pos);
            if (line is null || line.Length == 0)
            {
                break;
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                headers.Add((headers[^1].Item1, Trim(line)));
                continue;
            }

            var colon = Array.IndexOf(line, (byte)':');
            headers.Add((line[..colon], Trim(line[(colon + 1)..])));
        }

        var request = new RawRequest(method, path, query, bytes[Math.Min(pos, bytes.Length)..]);
        request._headers.AddRange(headers);
        return request;
    }

    private static byte[] Trim(byte[] value) => value.AsSpan().Trim(" \t"u8).ToArray();

    private static byte[]? ReadLine(byte[] bytes, ref int pos)
    {
        if (pos >= bytes.Length)
        {
            return null;
        }

        var lf = Array.IndexOf(bytes, (byte)'\n', pos);
        var end = lf < 0 ? bytes.Length : lf;
        var line = bytes[pos..(end > pos && bytes[end - 1] == '\r' ? end - 1 : end)];
        pos = lf < 0 ? bytes.Length : lf + 1;
        return line;
    }
}
