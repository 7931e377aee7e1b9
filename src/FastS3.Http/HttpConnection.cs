using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.Logging;

namespace FastS3.Http;

/// <summary>
/// One client connection: a loop of read head -> parse -> hand to the application -> finish the
/// body, over one duplex pipe. Every complete request already buffered is served before the
/// responses are flushed, so pipelined requests cost one send for the batch.
/// </summary>
public sealed class HttpConnection : IDisposable
{
    private readonly IDuplexPipe _transport;
    private readonly IHttpApplication _application;
    private readonly HttpLimits _limits;
    private readonly ILogger _logger;
    private readonly HttpRequestHead _head;
    private readonly HttpBodyReader _body;
    private readonly HttpResponse _response;
    private readonly HttpContext _context;
    private readonly CancellationTokenSource _timeout = new();
    private volatile bool _stopping;
    private volatile bool _inRequest;

    public HttpConnection(IDuplexPipe transport, IHttpApplication application, HttpLimits limits, ILogger logger, EndPoint? remote)
        : this(transport, application, limits, logger, remote, direct: null)
    {
    }

    internal HttpConnection(IDuplexPipe transport, IHttpApplication application, HttpLimits limits, ILogger logger, EndPoint? remote, SocketBodySender? direct)
    {
        _transport = transport;
        _application = application;
        _limits = limits;
        _logger = logger;
        _head = new HttpRequestHead(limits.MaxHeadBytes);
        _body = new HttpBodyReader(transport.Input, transport.Output, limits, _timeout, limits.BodyReadTimeout);
        _response = new HttpResponse(transport.Output, direct, limits.DirectSendMinBytes);
        _context = new HttpContext(_head, _body, _response, remote) { Aborted = _timeout.Token };
    }

    /// <summary>Asks the connection to finish its current request and close; an idle one closes now.</summary>
    public void BeginShutdown()
    {
        _stopping = true;
        if (!_inRequest)
        {
            _transport.Input.CancelPendingRead();
        }
    }

    public void Abort()
    {
        try
        {
            _timeout.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished between the shutdown snapshot and now.
        }
    }

    public void Dispose() => _timeout.Dispose();

    public async Task RunAsync()
    {
        var input = _transport.Input;
        var output = _transport.Output;
        var unflushed = false;
        try
        {
            while (!_stopping)
            {
                _head.Reset();
                var scanned = 0;
                var mustWait = false;
                var headStarted = 0L;

                // Read one request head. Between requests the keep-alive timeout applies; once a
                // head has started, the (shorter) header timeout does.
                while (true)
                {
                    ReadResult result;
                    if (mustWait || !input.TryRead(out result))
                    {
                        if (unflushed)
                        {
                            await output.FlushAsync();
                            unflushed = false;
                        }

                        // The header timeout runs from the head's first byte, not per read: a head
                        // trickled a byte at a time must still finish within it (slowloris).
                        var wait = _limits.KeepAliveTimeout;
                        if (scanned > 0)
                        {
                            wait = _limits.RequestHeadersTimeout - System.Diagnostics.Stopwatch.GetElapsedTime(headStarted);
                            if (wait <= TimeSpan.Zero)
                            {
                                return;
                            }
                        }

                        _timeout.CancelAfter(wait);
                        result = await input.ReadAsync(_timeout.Token);
                        _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                    }

                    var buffer = result.Buffer;
                    if (result.IsCanceled && _stopping)
                    {
                        input.AdvanceTo(buffer.Start, buffer.End);
                        return;
                    }

                    bool complete;
                    try
                    {
                        complete = HttpHeadParser.TryReadHead(buffer, _head, _limits, ref scanned);
                    }
                    catch (BadHttpRequestException rejection)
                    {
                        input.AdvanceTo(buffer.Start, buffer.End);
                        await RejectAsync(rejection);
                        return;
                    }

                    if (complete)
                    {
                        input.AdvanceTo(buffer.GetPosition(_head.HeadLength));
                        break;
                    }

                    input.AdvanceTo(buffer.Start, buffer.End);
                    if (headStarted == 0 && scanned > 0)
                    {
                        headStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                    }

                    if (result.IsCompleted)
                    {
                        // The client went away: mid-head is a truncated request, nothing to answer.
                        return;
                    }

                    mustWait = true;
                }

                try
                {
                    HttpHeadParser.Parse(_head, _limits);
                }
                catch (BadHttpRequestException rejection)
                {
                    await RejectAsync(rejection);
                    return;
                }

                _inRequest = true;
                _body.Reset(_head);
                _response.Reset(_head, _body);
                if (!await ProcessAsync())
                {
                    return;
                }

                _inRequest = false;
                unflushed = true;
                if (_response.CloseConnection)
                {
                    break;
                }
            }

            await output.FlushAsync();
        }
        catch (OperationCanceledException)
        {
            // Idle, header or body timeout, or shutdown: close quietly.
        }
        catch (Exception ex)
        {
            // Application errors are handled per request in ProcessAsync; what reaches here is the
            // transport failing (reset, aborted, disposed): nothing to answer.
            _logger.LogDebug(ex, "Connection closed by a transport error");
        }
        finally
        {
            await input.CompleteAsync();
            await output.CompleteAsync();
            Dispose();
        }
    }

    /// <summary>Runs the application for one request; false means the connection must close now.</summary>
    private async ValueTask<bool> ProcessAsync()
    {
        try
        {
            await _application.ProcessRequestAsync(_context);
        }
        catch (BadHttpRequestException rejection)
        {
            // A framing error inside the body: the stream is untrustworthy from here on.
            if (!_response.HasStarted)
            {
                await RejectAsync(rejection);
            }

            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Unhandled error while processing {Method} request", _head.MethodString);
            if (_response.HasStarted)
            {
                return false; // a half-written response cannot be repaired
            }

            _response.Start(500);
            _response.CloseConnection = true;
            _response.EndHeaders(0);
            await _transport.Output.FlushAsync();
            return false;
        }

        if (!_response.HasStarted)
        {
            _response.Start(500);
            _response.CloseConnection = true;
            _response.EndHeaders(0);
        }

        if (_response.BodyRemaining > 0)
        {
            // The handler declared more bytes than it wrote: the client would hang or misframe.
            _logger.LogError("Response body shorter than its Content-Length; closing the connection");
            await _transport.Output.FlushAsync();
            return false;
        }

        try
        {
            if (!_body.IsFullyRead && !await _body.DrainAsync(_limits.MaxDrainBytes, _timeout.Token))
            {
                _response.CloseConnection = true;
            }

            await _body.FinishAsync();
        }
        catch (BadHttpRequestException)
        {
            _response.CloseConnection = true;
        }

        return true;
    }

    private async ValueTask RejectAsync(BadHttpRequestException rejection)
    {
        _logger.LogDebug("Request rejected: {Reason}", rejection.Message);
        _response.ResetForRejection();
        _application.WriteRejection(_response, rejection);
        await _transport.Output.FlushAsync();
    }
}
