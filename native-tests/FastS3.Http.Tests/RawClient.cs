using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastS3.Http.Tests;

/// <summary>One response as read off the wire.</summary>
internal sealed record RawResponse(int Status, string Head, string Body)
{
    public string? Header(string name)
    {
        foreach (var line in Head.Split("\r\n").Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}

/// <summary>A loopback TCP client speaking raw bytes; every read is bounded by a timeout.</summary>
internal sealed class RawClient : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly List<byte> _pending = [];
    private readonly StringBuilder _everything = new();

    private RawClient(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>All bytes received so far (Latin-1), for "never sent" assertions.</summary>
    public string Received => _everything.ToString();

    public static async Task<RawClient> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(endPoint, cts.Token);
        return new RawClient(socket);
    }

    public Task SendAsync(string latin1) => SendAsync(Encoding.Latin1.GetBytes(latin1));

    public async Task SendAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cts.Token);
        }
    }

    /// <summary>Reads one response (an interim 1xx has no body; otherwise Content-Length frames it).</summary>
    public async Task<RawResponse> ReadResponseAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        int headEnd;
        while ((headEnd = IndexOfHeadEnd()) < 0)
        {
            if (!await FillAsync(cts.Token))
            {
                throw new Xunit.Sdk.XunitException("connection closed before a complete response head; got: " + Latin1(_pending));
            }
        }

        var head = Latin1(_pending.GetRange(0, headEnd));
        var status = int.Parse(head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var response = new RawResponse(status, head, "");
        var length = status < 200 ? 0 : int.Parse(response.Header("Content-Length") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        while (_pending.Count < headEnd + 4 + length)
        {
            if (!await FillAsync(cts.Token))
            {
                throw new Xunit.Sdk.XunitException("connection closed inside a response body");
            }
        }

        var body = Latin1(_pending.GetRange(headEnd + 4, length));
        _pending.RemoveRange(0, headEnd + 4 + length);
        return response with { Body = body };
    }

    /// <summary>True when the server closes the connection (EOF or reset) within <paramref name="within"/>,
    /// false when it stays open. Bytes that arrive meanwhile are kept for <see cref="ReadResponseAsync"/>.</summary>
    public async Task<bool> ClosesWithinAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                if (!await FillAsync(cts.Token))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Whether any byte arrives within <paramref name="within"/> (closing counts as no byte).</summary>
    public async Task<bool> AnyBytesWithinAsync(TimeSpan within)
    {
        if (_pending.Count > 0)
        {
            return true;
        }

        using var cts = new CancellationTokenSource(within);
        try
        {
            return await FillAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int n;
        try
        {
            n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return false;
        }

        _pending.AddRange(buffer.AsSpan(0, n));
        _everything.Append(Encoding.Latin1.GetString(buffer, 0, n));
        return n > 0;
    }

    private int IndexOfHeadEnd()
    {
        for (var i = 0; i + 3 < _pending.Count; i++)
        {
            if (_pending[i] == '\r' && _pending[i + 1] == '\n' && _pending[i + 2] == '\r' && _pending[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private static string Latin1(List<byte> bytes) => Encoding.Latin1.GetString([.. bytes]);
}
