using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Pipelines.Sockets.Unofficial;

namespace FastS3.Http;

/// <summary>
/// Sends response body bytes on the connection's socket directly, past the output pipe, so a large
/// body is not first copied into the pipe's blocks. Ordering with the pipe: a direct send may start
/// only when the pipe's send loop has handed every flushed byte to the kernel, which
/// <see cref="IsDrained"/> tells from the send pipe's unconsumed length. The package's send loop
/// consumes a buffer (<c>AdvanceTo</c>) only after its socket send completed, so a length of 0 means
/// nothing flushed is still on its way; while a direct send runs nothing is written to the pipe, so
/// the loop stays parked in its read.
/// </summary>
internal sealed class SocketBodySender
{
    private readonly SocketConnection _connection;
    private readonly HttpServer _owner;

    public SocketBodySender(SocketConnection connection, HttpServer owner)
    {
        Debug.Assert(IsSupported, "created although the pipe length cannot be read");
        _connection = connection;
        _owner = owner;
        Debug.Assert(!connection.Socket.Blocking, "SendNow needs a non-blocking socket");
    }

    /// <summary>
    /// True when the package reports the send pipe's length, checked once on a pipe of known
    /// length. The package reads <c>Pipe.Length</c>, which System.IO.Pipelines does not make public,
    /// and answers 0 when it cannot: a future package or runtime that loses it must turn direct
    /// sends off, never make them overtake bytes still in the pipe.
    /// </summary>
    public static bool IsSupported { get; } = ProbePipeLength();

    /// <summary>Every flushed byte has been handed to the kernel (one ioctl: the package also reads the
    /// socket's receive queue length).</summary>
    public bool IsDrained => _connection.GetCounters().BytesWaitingToBeSent == 0;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var total = bytes.Length;
        try
        {
            while (!bytes.IsEmpty)
            {
                var sent = await _connection.Socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
                bytes = bytes[sent..];
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw new OperationCanceledException("The client stopped reading.", ex);
        }

        _owner.CountDirectBytes(total);
    }

    /// <summary>Sends what the kernel takes now; 0 when the socket buffer is full.</summary>
    public int SendNow(ReadOnlySpan<byte> bytes)
    {
        int sent;
        SocketError error;
        try
        {
            sent = _connection.Socket.Send(bytes, SocketFlags.None, out error);
        }
        catch (ObjectDisposedException ex)
        {
            throw new OperationCanceledException("The client stopped reading.", ex);
        }

        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            throw new OperationCanceledException($"The client stopped reading ({error}).");
        }

        _owner.CountDirectBytes(sent);
        return sent;
    }

    private static bool ProbePipeLength()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        try
        {
            pipe.Writer.Write("abc"u8);
            var flush = pipe.Writer.FlushAsync();
            Debug.Assert(flush.IsCompleted, "an unbounded pipe flushes synchronously");
            flush.GetAwaiter().GetResult();
            var written = SocketConnection.Counters.GetPipeLength(pipe);
            if (!pipe.Reader.TryRead(out var read))
            {
                return false;
            }

            pipe.Reader.AdvanceTo(read.Buffer.End);
            return written == 3 && SocketConnection.Counters.GetPipeLength(pipe) == 0;
        }
        finally
        {
            pipe.Writer.Complete();
            pipe.Reader.Complete();
        }
    }
}
