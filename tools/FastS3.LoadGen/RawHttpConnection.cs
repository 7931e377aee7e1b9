using System.Buffers.Text;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace FastS3.LoadGen;

/// <summary>
/// One keep-alive HTTP/1.1 connection on a raw socket: sends pre-built request bytes, parses the
/// status line and the three headers that frame the body (Content-Length, Transfer-Encoding,
/// Connection), and reads the body into a reused buffer. Steady state allocates nothing: the
/// socket's ValueTask send/receive reuse one cached event-args object per direction, and the
/// exchange's state machine comes from a pool.
/// </summary>
public sealed class RawHttpConnection : IDisposable
{
    // 64 KiB: one receive drains a 4 KiB response plus head; a 1 MiB body takes 16 receives.
    private const int BufferSize = 64 * 1024;

    private readonly LoopbackEndpoint _endpoint;
    private readonly byte[] _recv = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
    private readonly byte[] _send = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
    private readonly byte[] _etag = new byte[128];
    private int _etagLength;
    private byte[] _captured = [];
    private int _capturedLength;
    private int _start;
    private int _end;
    private Socket? _socket;
    private volatile bool _disposed;

    public RawHttpConnection(LoopbackEndpoint endpoint) => _endpoint = endpoint;

    /// <summary>Connections opened so far (1 when keep-alive held for the whole run).</summary>
    public int Connects { get; private set; }

    /// <summary>The last response's ETag value (quotes included) when the exchange asked to capture.</summary>
    public ReadOnlySpan<byte> CapturedETag => _etag.AsSpan(0, _etagLength);

    /// <summary>The last response body when the exchange asked to capture it.</summary>
    public ReadOnlySpan<byte> CapturedBody => _captured.AsSpan(0, _capturedLength);

    /// <summary>Sends head + body and reads the whole response. Throws <see cref="IOException"/> on a broken connection (which is then reopened on the next call).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<HttpResult> ExchangeAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> body, bool isHeadRequest, bool capture = false)
    {
        var socket = _socket ?? await ConnectAsync();
        try
        {
            if (head.Length + body.Length <= _send.Length)
            {
                // One send per request: head and a small body leave in the same segment, as a
                // real client's gathered write would.
                head.CopyTo(_send);
                body.CopyTo(_send.AsMemory(head.Length));
                await SendAllAsync(socket, _send.AsMemory(0, head.Length + body.Length));
            }
            else
            {
                await SendAllAsync(socket, head);
                await SendAllAsync(socket, body);
            }

            _capturedLength = 0;
            _etagLength = 0;
            var result = await ReadResponseAsync(socket, isHeadRequest, capture);
            return result;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidDataException)
        {
            Close();
            throw new IOException(ex.Message, ex);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Close();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (data.Length > 0)
        {
            var n = await socket.SendAsync(data, SocketFlags.None);
            data = data[n..];
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Socket> ConnectAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var socket = new Socket(_endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_endpoint.EndPoint);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"connect {_endpoint.HostHeader}: {ex.Message}", ex);
        }

        _socket = socket;
        _start = _end = 0;
        Connects++;
        return socket;
    }

    private void Close()
    {
        var s = _socket;
        _socket = null;
        _start = _end = 0;
        s?.Dispose();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<HttpResult> ReadResponseAsync(Socket socket, bool isHeadRequest, bool capture)
    {
        int headEnd;
        while ((headEnd = _recv.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            await FillAsync(socket);
        }

        var (status, contentLength, chunked, close) = ParseHead(_recv.AsSpan(_start, headEnd + 2), capture ? _etag : null, out _etagLength);
        _start += headEnd + 4;
        long bodyBytes;
        if (isHeadRequest || status is 204 or 304 || (status >= 100 && status < 200))
        {
            bodyBytes = 0;
        }
        else if (chunked)
        {
            bodyBytes = await ReadChunkedAsync(socket, capture);
        }
        else if (contentLength >= 0)
        {
            await ReadBodyAsync(socket, contentLength, capture);
            bodyBytes = contentLength;
        }
        else
        {
            throw new InvalidDataException("response without Content-Length on a keep-alive connection");
        }

        if (close)
        {
            Close();
        }

        return new HttpResult(status, bodyBytes);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FillAsync(Socket socket)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _recv.Length)
        {
            if (_start == 0)
            {
                throw new InvalidDataException("response head larger than 64 KiB");
            }

            Buffer.BlockCopy(_recv, _start, _recv, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var n = await socket.ReceiveAsync(_recv.AsMemory(_end), SocketFlags.None);
        if (n == 0)
        {
            throw new InvalidDataException("connection closed by the server mid-response");
        }

        _end += n;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadBodyAsync(Socket socket, long length, bool capture)
    {
        while (length > 0)
        {
            if (_start == _end)
            {
                await FillAsync(socket);
            }

            var take = (int)Math.Min(length, _end - _start);
            if (capture)
            {
                Capture(_recv.AsSpan(_start, take));
            }

            _start += take;
            length -= take;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<long> ReadChunkedAsync(Socket socket, bool capture)
    {
        long total = 0;
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _recv.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                await FillAsync(socket);
            }

            var line = _recv.AsSpan(_start, lineEnd);
            var semi = line.IndexOf((byte)';');
            if (semi >= 0)
            {
                line = line[..semi];
            }

            if (!Utf8Parser.TryParse(line, out long size, out var used, 'x') || used != line.Length)
            {
                throw new InvalidDataException("bad chunk size");
            }

            _start += lineEnd + 2;
            if (size == 0)
            {
                // Trailer section: lines until an empty one.
                while (true)
                {
                    while ((lineEnd = _recv.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
                    {
                        await FillAsync(socket);
                    }

                    _start += lineEnd + 2;
                    if (lineEnd == 0)
                    {
                        return total;
                    }
                }
            }

            await ReadBodyAsync(socket, size, capture);
            total += size;
            await ReadBodyAsync(socket, 2, capture: false);
        }
    }

    private void Capture(ReadOnlySpan<byte> data)
    {
        if (_capturedLength + data.Length > _captured.Length)
        {
            Array.Resize(ref _captured, Math.Max(_captured.Length * 2, _capturedLength + data.Length + 4096));
        }

        data.CopyTo(_captured.AsSpan(_capturedLength));
        _capturedLength += data.Length;
    }

    private static (int Status, long ContentLength, bool Chunked, bool Close) ParseHead(ReadOnlySpan<byte> head, byte[]? etag, out int etagLength)
    {
        etagLength = 0;
        // "HTTP/1.1 200 OK\r\n": the status is bytes 9..11.
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            throw new InvalidDataException("bad status line");
        }

        var http10 = head[7] == (byte)'0';
        long contentLength = -1;
        var chunked = false;
        var close = http10;
        var rest = head[(head.IndexOf("\r\n"u8) + 2)..];
        while (rest.Length > 0)
        {
            var eol = rest.IndexOf("\r\n"u8);
            var line = eol < 0 ? rest : rest[..eol];
            rest = eol < 0 ? default : rest[(eol + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (name.Length == 14 && System.Text.Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out _))
                {
                    throw new InvalidDataException("bad Content-Length");
                }
            }
            else if (name.Length == 17 && System.Text.Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = value.IndexOf("chunked"u8) >= 0;
            }
            else if (name.Length == 10 && System.Text.Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                close = System.Text.Ascii.EqualsIgnoreCase(value, "close"u8) || (http10 && !System.Text.Ascii.EqualsIgnoreCase(value, "keep-alive"u8));
            }
            else if (etag is not null && name.Length == 4 && System.Text.Ascii.EqualsIgnoreCase(name, "etag"u8) && value.Length <= etag.Length)
            {
                value.CopyTo(etag);
                etagLength = value.Length;
            }
        }

        return (status, contentLength, chunked, close);
    }
}
