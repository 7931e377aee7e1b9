using System.Text;
using FastS3.Common.Http;

namespace FastS3.Auth;

/// <summary>
/// A request head held in arrays: what clients built on <see cref="SigV4.SigV4Signer"/> (tests,
/// the load generator) sign and send. Not used on the server's receive path, which has its own
/// struct over the connection buffer.
/// </summary>
public sealed class BufferedRequestHead : IRequestHead
{
    private readonly byte[] _method;
    private readonly byte[] _path;
    private readonly byte[] _query;
    private readonly List<(byte[] Name, byte[] Value)> _headers = [];

    /// <param name="method">e.g. PUT.</param>
    /// <param name="path">Already percent-encoded, as it will go on the wire.</param>
    /// <param name="query">Raw query without '?', as it will go on the wire.</param>
    public BufferedRequestHead(string method, string path, string query = "")
    {
        _method = Encoding.ASCII.GetBytes(method);
        _path = Encoding.UTF8.GetBytes(path);
        _query = Encoding.UTF8.GetBytes(query);
    }

    public ReadOnlySpan<byte> Method => _method;

    public ReadOnlySpan<byte> Path => _path;

    public ReadOnlySpan<byte> Query => _query;

    public int HeaderCount => _headers.Count;

    public ReadOnlySpan<byte> HeaderName(int index) => _headers[index].Name;

    public ReadOnlySpan<byte> HeaderValue(int index) => _headers[index].Value;

    public BufferedRequestHead Add(string name, string value)
    {
        _headers.Add((Encoding.ASCII.GetBytes(name), Encoding.UTF8.GetBytes(value.Trim(' ', '\t'))));
        return this;
    }

    public BufferedRequestHead Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        _headers.Add((name.ToArray(), value.Trim(" \t"u8).ToArray()));
        return this;
    }

    public IEnumerable<(string Name, string Value)> Headers =>
        _headers.Select(h => (Encoding.ASCII.GetString(h.Name), Encoding.UTF8.GetString(h.Value)));

    /// <summary>The request line and header section as HTTP/1.1 bytes (CRLF line ends, blank line included).</summary>
    public byte[] ToHttpBytes()
    {
        var sb = new StringBuilder();
        sb.Append(Encoding.ASCII.GetString(_method)).Append(' ').Append(Encoding.UTF8.GetString(_path));
        if (_query.Length > 0)
        {
            sb.Append('?').Append(Encoding.UTF8.GetString(_query));
        }

        sb.Append(" HTTP/1.1\r\n");
        foreach (var (name, value) in Headers)
        {
            sb.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        sb.Append("\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
