using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using FastS3.Common.Http;

namespace FastS3.Http;

/// <summary>
/// Writes one response straight into the connection's <see cref="PipeWriter"/>: status line,
/// headers and body bytes, with no intermediate header collection. The connection flushes once
/// per batch of pipelined requests; a handler streaming a large body flushes as it goes so the
/// pipe applies back-pressure. A large body may instead go from where it lives straight to the
/// socket (<see cref="IDirectBodySink"/>), after the pipe has drained.
/// </summary>
public sealed class HttpResponse : IDirectBodySink
{
    private readonly PipeWriter _writer;
    private readonly SocketBodySender? _direct;
    private readonly long _directMinBytes;
    private HttpBodyReader? _body;
    private long _bodyRemaining;
    private bool _isHead;
    private bool _http11;

    internal HttpResponse(PipeWriter writer, SocketBodySender? direct, long directMinBytes)
    {
        _writer = writer;
        _direct = direct;
        _directMinBytes = directMinBytes;
    }

    public int StatusCode { get; private set; }

    public bool HasStarted { get; private set; }

    public bool HeadersEnded { get; private set; }

    /// <summary>Set by the handler (or the connection) when the connection must close after this response.</summary>
    public bool CloseConnection { get; set; }

    /// <summary>The request id written as <c>x-amz-request-id</c>; set by the application before <see cref="Start"/>.</summary>
    public PipeWriter Writer => _writer;

    /// <summary>Body bytes the handler declared but has not written yet.</summary>
    public long BodyRemaining => _bodyRemaining;

    internal void Reset(HttpRequestHead head, HttpBodyReader body)
    {
        _body = body;
        StatusCode = 0;
        HasStarted = false;
        HeadersEnded = false;
        CloseConnection = head.ConnectionClose;
        _isHead = head.KnownMethod == RequestMethod.Head;
        _http11 = head.IsHttp11;
        _bodyRemaining = 0;
    }

    internal void ResetForRejection()
    {
        _body = null;
        StatusCode = 0;
        HasStarted = false;
        HeadersEnded = false;
        CloseConnection = true;
        _isHead = false;
        _http11 = true;
        _bodyRemaining = 0;
    }

    /// <summary>Writes the status line and the headers every response carries.</summary>
    public void Start(int statusCode)
    {
        if (HasStarted)
        {
            throw new InvalidOperationException("The response has already started.");
        }

        HasStarted = true;
        StatusCode = statusCode;
        var span = _writer.GetSpan(64);
        "HTTP/1.1 "u8.CopyTo(span);
        Utf8Formatter.TryFormat(statusCode, span[9..], out var n);
        span[9 + n] = (byte)' ';
        var reason = ReasonPhrase(statusCode);
        _writer.Advance(10 + n);
        Write(reason);
        Write("\r\nServer: FastS3\r\nDate: "u8);
        Write(HttpDate.Now());
        Write("\r\n"u8);
    }

    public void Header(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Write(name);
        Write(": "u8);
        Write(value);
        Write("\r\n"u8);
    }

    /// <summary>Writes a header whose value is text; non-ASCII is sent as UTF-8 (S3 does the same for metadata).</summary>
    public void Header(ReadOnlySpan<byte> name, ReadOnlySpan<char> value)
    {
        Write(name);
        Write(": "u8);
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var span = _writer.GetSpan(max);
        var written = Encoding.UTF8.GetBytes(value, span);
        _writer.Advance(written);
        Write("\r\n"u8);
    }

    public void Header(ReadOnlySpan<byte> name, long value)
    {
        Write(name);
        Write(": "u8);
        var span = _writer.GetSpan(24);
        Utf8Formatter.TryFormat(value, span, out var n);
        _writer.Advance(n);
        Write("\r\n"u8);
    }

    /// <summary>Ends the head with Content-Length (always known: S3 responses are never chunked).</summary>
    public void EndHeaders(long contentLength)
    {
        Header("Content-Length"u8, contentLength);
        if (_body is not null && _body.CannotBeKeptIfUnread)
        {
            CloseConnection = true;
        }

        if (CloseConnection)
        {
            Write("Connection: close\r\n"u8);
        }
        else if (!_http11)
        {
            Write("Connection: keep-alive\r\n"u8);
        }

        Write("\r\n"u8);
        HeadersEnded = true;
        _bodyRemaining = _isHead ? 0 : contentLength;
    }

    /// <summary>Writes body bytes (ignored for HEAD, whose body is never sent).</summary>
    public void WriteBody(ReadOnlySpan<byte> data)
    {
        if (_isHead)
        {
            return;
        }

        if (data.Length > _bodyRemaining)
        {
            throw new InvalidOperationException("Body larger than the declared Content-Length.");
        }

        _bodyRemaining -= data.Length;
        Write(data);
    }

    public void WriteBody(in ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            WriteBody(segment.Span);
        }
    }

    /// <summary>Records body bytes a handler wrote through <see cref="Writer"/> directly (streaming from storage).</summary>
    public void AccountBody(long bytes)
    {
        if (_isHead)
        {
            return;
        }

        if (bytes > _bodyRemaining)
        {
            throw new InvalidOperationException("Body larger than the declared Content-Length.");
        }

        _bodyRemaining -= bytes;
    }

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => _writer.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> TryBeginDirectAsync(long lengthBytes, CancellationToken cancellationToken)
    {
        // Synchronous and allocation-free for every small GET: only a large body pays the flush.
        if (_direct is null || _isHead || !HeadersEnded || lengthBytes < _directMinBytes || lengthBytes > _bodyRemaining)
        {
            return new ValueTask<bool>(false);
        }

        return FlushThenCheckDrainedAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask SendDirectAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        Debug.Assert(_direct is not null && HeadersEnded && !_isHead, "direct send without TryBeginDirectAsync");
        return _direct.SendAsync(bytes, cancellationToken);
    }

    /// <inheritdoc/>
    public int SendDirectNow(ReadOnlySpan<byte> bytes)
    {
        Debug.Assert(_direct is not null && HeadersEnded && !_isHead, "direct send without TryBeginDirectAsync");
        return _direct.SendNow(bytes);
    }

    private async ValueTask<bool> FlushThenCheckDrainedAsync(CancellationToken cancellationToken)
    {
        var flushed = await _writer.FlushAsync(cancellationToken);
        if (flushed.IsCanceled || flushed.IsCompleted)
        {
            throw new OperationCanceledException("The client stopped reading.");
        }

        // With inline schedulers the flush ran the send loop on this thread: the head went out
        // unless the socket buffer was still full from an earlier response (then use the pipe).
        return _direct!.IsDrained;
    }

    /// <summary>True when this response is for a HEAD request (the body is suppressed).</summary>
    public bool IsHeadRequest => _isHead;

    private void Write(ReadOnlySpan<byte> bytes)
    {
        var span = _writer.GetSpan(bytes.Length);
        if (span.Length >= bytes.Length)
        {
            bytes.CopyTo(span);
            _writer.Advance(bytes.Length);
        }
        else
        {
            _writer.Write(bytes);
        }
    }

    private static ReadOnlySpan<byte> ReasonPhrase(int status) => status switch
    {
        100 => "Continue"u8,
        200 => "OK"u8,
        204 => "No Content"u8,
        206 => "Partial Content"u8,
        304 => "Not Modified"u8,
        307 => "Temporary Redirect"u8,
        400 => "Bad Request"u8,
        403 => "Forbidden"u8,
        404 => "Not Found"u8,
        405 => "Method Not Allowed"u8,
        409 => "Conflict"u8,
        411 => "Length Required"u8,
        412 => "Precondition Failed"u8,
        413 => "Payload Too Large"u8,
        414 => "URI Too Long"u8,
        416 => "Range Not Satisfiable"u8,
        431 => "Request Header Fields Too Large"u8,
        500 => "Internal Server Error"u8,
        501 => "Not Implemented"u8,
        503 => "Service Unavailable"u8,
        505 => "HTTP Version Not Supported"u8,
        507 => "Insufficient Storage"u8,
        _ => "Unknown"u8,
    };
}
