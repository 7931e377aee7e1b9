using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;

namespace FastS3.Http;

/// <summary>
/// A socketless transport: a real <see cref="HttpConnection"/> over two in-memory pipes with
/// inline schedulers, so a request is parsed and answered on the caller's thread. Used to
/// measure the whole request path without the kernel (time and allocations per request) and
/// to drive the server from tests without a port.
/// </summary>
public sealed class InMemoryConnection : IAsyncDisposable
{
    private readonly Pipe _toServer;
    private readonly Pipe _fromServer;
    private readonly HttpConnection _connection;
    private readonly Task _running;

    public InMemoryConnection(IHttpApplication application, HttpLimits limits, ILogger logger)
    {
        var options = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false, pauseWriterThreshold: 0);
        _toServer = new Pipe(options);
        _fromServer = new Pipe(options);
        _connection = new HttpConnection(new DuplexPipe(_toServer.Reader, _fromServer.Writer), application, limits, logger, null);
        _running = _connection.RunAsync();
    }

    /// <summary>Sends request bytes and returns the length of the one response they produce,
    /// consuming it (HEAD: the head only; otherwise head plus Content-Length bytes).</summary>
    public int RoundTrip(ReadOnlySpan<byte> request, bool isHead)
    {
        _toServer.Writer.Write(request);
        Complete(_toServer.Writer.FlushAsync());
        var reader = _fromServer.Reader;
        while (true)
        {
            var result = Complete(reader.ReadAsync());
            var buffer = result.Buffer;
            var length = ResponseLength(buffer, isHead);
            if (length > 0 && buffer.Length >= length)
            {
                reader.AdvanceTo(buffer.GetPosition(length));
                return length;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new InvalidOperationException("The connection closed before a whole response arrived.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _toServer.Writer.CompleteAsync();
        await _running;
    }

    /// <summary>Waits without AsTask()'s allocation when the operation already completed, which
    /// is the normal case here: every scheduler is inline.</summary>
    private static T Complete<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    /// <summary>Total response length once the head is complete, or 0 while it is not.</summary>
    private static int ResponseLength(in ReadOnlySequence<byte> buffer, bool isHead)
    {
        Span<byte> scratch = stackalloc byte[4096];
        var head = buffer.Length > scratch.Length ? buffer.Slice(0, scratch.Length) : buffer;
        head.CopyTo(scratch);
        var text = scratch[..(int)head.Length];
        var end = text.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return 0;
        }

        var at = text[..end].IndexOf("\r\nContent-Length: "u8);
        long contentLength = 0;
        if (at >= 0 && !Utf8Parser.TryParse(text[(at + 18)..], out contentLength, out _))
        {
            throw new InvalidOperationException("Response with an unreadable Content-Length.");
        }

        return end + 4 + (isHead ? 0 : (int)contentLength);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
