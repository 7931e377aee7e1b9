using System.Buffers;
using System.IO.Pipelines;

namespace FastS3.Http;

/// <summary>
/// The request body as a <see cref="PipeReader"/>, whatever its framing. A Content-Length body is
/// a zero-copy window over the connection's pipe. A chunked body is decoded by a pump into an
/// inner pipe (one copy; chunked uploads are rare for S3 clients and framing must be removed
/// before anyone sees the data). The first read sends <c>100 Continue</c> when the client asked
/// for it, so an early error answer never invites a body (RFC 9110 §10.1.1).
/// One instance per connection, reset per request.
/// </summary>
public sealed class HttpBodyReader : PipeReader
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly HttpLimits _limits;
    private readonly CancellationTokenSource _timeout;
    private readonly TimeSpan _readTimeout;
    private Pipe? _dechunked;
    private Task? _pump;
    private long _remaining;
    private ReadOnlySequence<byte> _lastBuffer;
    private bool _chunked;
    private bool _continuePending;
    private bool _completed;
    private bool _inputReadPending;

    internal HttpBodyReader(PipeReader input, PipeWriter output, HttpLimits limits, CancellationTokenSource timeout, TimeSpan readTimeout)
    {
        _input = input;
        _output = output;
        _limits = limits;
        _timeout = timeout;
        _readTimeout = readTimeout;
    }

    /// <summary>True once the whole body has been read by the application.</summary>
    public bool IsFullyRead => _chunked ? _completed : _remaining == 0;

    /// <summary>Whether a 100 Continue is still owed (the client sent Expect and nobody read yet).</summary>
    public bool ContinuePending => _continuePending;

    /// <summary>True when, if the application stops reading now, the connection cannot be kept:
    /// the client still waits for 100 Continue, or the rest of a Content-Length body is
    /// more than the drain limit. The response then announces <c>Connection: close</c>.</summary>
    internal bool CannotBeKeptIfUnread => !IsFullyRead && (_continuePending || (!_chunked && _remaining > _limits.MaxDrainBytes));

    internal void Reset(HttpRequestHead head)
    {
        _chunked = head.IsChunked;
        _remaining = head.IsChunked ? 0 : Math.Max(0, head.ContentLength);
        _continuePending = head.ExpectContinue && head.HasBody;
        _completed = !head.HasBody;
        _lastBuffer = default;
        _pump = null;
        if (_chunked)
        {
            _dechunked ??= new Pipe(new PipeOptions(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        }
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        await SendContinueIfPendingAsync(cancellationToken);
        if (_chunked)
        {
            _pump ??= PumpChunkedAsync(cancellationToken);
            var inner = await _dechunked!.Reader.ReadAsync(cancellationToken);
            if (inner.IsCompleted && _pump.IsCompleted)
            {
                await _pump; // surfaces a framing error to the reader
                _completed = true;
            }

            return inner;
        }

        if (_remaining == 0)
        {
            return new ReadResult(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);
        }

        var result = await ReadInputAsync(cancellationToken);
        var buffer = result.Buffer;
        if (buffer.Length > _remaining)
        {
            buffer = buffer.Slice(0, _remaining);
        }
        else if (result.IsCompleted && buffer.Length < _remaining)
        {
            _input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            BadHttpRequestException.Throw(RequestRejectionReason.UnexpectedEndOfBody);
        }

        _lastBuffer = buffer;
        _inputReadPending = true;
        return new ReadResult(buffer, result.IsCanceled, isCompleted: buffer.Length == _remaining);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_chunked || _continuePending)
        {
            result = default;
            return false;
        }

        if (_remaining == 0)
        {
            result = new ReadResult(ReadOnlySequence<byte>.Empty, false, true);
            return true;
        }

        if (!_input.TryRead(out var raw))
        {
            result = default;
            return false;
        }

        var buffer = raw.Buffer.Length > _remaining ? raw.Buffer.Slice(0, _remaining) : raw.Buffer;
        _lastBuffer = buffer;
        _inputReadPending = true;
        result = new ReadResult(buffer, raw.IsCanceled, buffer.Length == _remaining);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_chunked)
        {
            _dechunked!.Reader.AdvanceTo(consumed, examined);
            return;
        }

        if (!_inputReadPending)
        {
            return; // the empty end-of-body result did not come from the connection's pipe
        }

        // The positions belong to the connection's buffer; the distance from the start of the last
        // returned window is what this body gave up.
        _inputReadPending = false;
        _remaining -= _lastBuffer.Slice(_lastBuffer.Start, consumed).Length;
        _lastBuffer = default;
        _input.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => (_chunked ? _dechunked!.Reader : _input).CancelPendingRead();

    /// <summary>The connection owns the underlying pipe; completing the body reader only stops reading.</summary>
    public override void Complete(Exception? exception = null)
    {
    }

    /// <summary>Reads and discards what is left of the body, up to <paramref name="maxBytes"/>.
    /// Returns false when the body is larger (the caller closes the connection instead).</summary>
    public async ValueTask<bool> DrainAsync(long maxBytes, CancellationToken cancellationToken)
    {
        if (IsFullyRead)
        {
            return true;
        }

        if (_continuePending)
        {
            // The client is waiting for our permission to send; it never got it, so the body may
            // or may not follow. The stream's framing is unknowable: close.
            return false;
        }

        if (!_chunked && _remaining > maxBytes)
        {
            return false;
        }

        long drained = 0;
        while (!IsFullyRead)
        {
            var result = await ReadAsync(cancellationToken);
            drained += result.Buffer.Length;
            AdvanceTo(result.Buffer.End);
            if (drained > maxBytes)
            {
                return false;
            }

            if (result.IsCompleted)
            {
                break;
            }
        }

        return true;
    }

    /// <summary>Waits for the chunked pump so the connection's pipe is positioned at the next request.</summary>
    internal async ValueTask FinishAsync()
    {
        if (_pump is null)
        {
            return;
        }

        // Completing the inner reader first unblocks a pump stuck on an unread body (its flush
        // reports completion and it stops); the connection then closes, since the input is mid-body.
        await _dechunked!.Reader.CompleteAsync();
        try
        {
            await _pump;
        }
        catch (BadHttpRequestException)
        {
            // Framing errors of an unread body: the caller closes the connection.
        }
        finally
        {
            _pump = null;
            _dechunked.Reset();
        }
    }

    /// <summary>A read of the connection that fails when no byte arrives for the body read timeout
    /// (a stalled upload must not hold a connection and its buffers forever).</summary>
    private async ValueTask<ReadResult> ReadInputAsync(CancellationToken cancellationToken)
    {
        _timeout.CancelAfter(_readTimeout);
        try
        {
            using var linked = cancellationToken.CanBeCanceled && cancellationToken != _timeout.Token
                ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timeout.Token)
                : null;
            return await _input.ReadAsync(linked?.Token ?? _timeout.Token);
        }
        finally
        {
            _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    private async ValueTask SendContinueIfPendingAsync(CancellationToken cancellationToken)
    {
        if (!_continuePending)
        {
            return;
        }

        _continuePending = false;
        _output.Write("HTTP/1.1 100 Continue\r\n\r\n"u8);
        await _output.FlushAsync(cancellationToken);
    }

    private async Task PumpChunkedAsync(CancellationToken cancellationToken)
    {
        var writer = _dechunked!.Writer;
        var decoder = default(ChunkedDecoder);
        try
        {
            while (!decoder.IsCompleted)
            {
                var result = await ReadInputAsync(cancellationToken);
                var progressed = Decode(ref decoder, result.Buffer, writer, out var consumed);
                _input.AdvanceTo(consumed, progressed ? consumed : result.Buffer.End);
                if (!decoder.IsCompleted && !progressed && result.IsCompleted)
                {
                    BadHttpRequestException.Throw(RequestRejectionReason.UnexpectedEndOfBody);
                }

                var flush = await writer.FlushAsync(cancellationToken);
                if (flush.IsCompleted)
                {
                    break;
                }
            }

            await writer.CompleteAsync();
        }
        catch (Exception ex)
        {
            await writer.CompleteAsync(ex);
            throw;
        }
    }

    private bool Decode(ref ChunkedDecoder decoder, in ReadOnlySequence<byte> buffer, PipeWriter writer, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        var progressed = false;
        while (!decoder.IsCompleted && decoder.TryDecode(ref reader, _limits, out var data))
        {
            progressed = true;
            foreach (var segment in data)
            {
                writer.Write(segment.Span);
            }
        }

        consumed = reader.Position;
        return progressed;
    }
}
