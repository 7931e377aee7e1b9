using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Pipelines.Sockets.Unofficial;

namespace FastS3.Http;

/// <summary>
/// The accept loop: raw sockets wrapped in pipes by Pipelines.Sockets.Unofficial, one
/// <see cref="HttpConnection"/> each. Own loop rather than the package's SocketServer because that
/// one listens with a backlog of 20 and takes no pipe options.
/// All pipe schedulers are inline: a request is parsed and served on the thread that completed
/// its receive, with no queue hop (see DESIGN.md, "The transport, measured").
/// </summary>
public sealed class HttpServer : IAsyncDisposable
{
    private readonly IHttpApplication _application;
    private readonly HttpLimits _limits;
    private readonly ILogger _logger;
    private readonly BlockMemoryPool _pool = new();
    private readonly PipeOptions _pipeOptions;
    private readonly ConcurrentDictionary<HttpConnection, Task> _connections = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private long _directBodyBytes;

    public HttpServer(IHttpApplication application, HttpLimits limits, ILogger logger)
    {
        _application = application;
        _limits = limits;
        _logger = logger;

        // 64/32 KiB pause/resume: a slow reader stalls its writer after 64 KiB in flight instead of
        // buffering a whole object; 16 KiB segments match the pool's blocks.
        _pipeOptions = new PipeOptions(
            pool: _pool,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 64 * 1024,
            resumeWriterThreshold: 32 * 1024,
            minimumSegmentSize: BlockMemoryPool.BlockSize,
            useSynchronizationContext: false);
    }

    /// <summary>The bound address (with the real port when 0 was asked for).</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    public int ConnectionCount => _connections.Count;

    /// <summary>Response body bytes sent straight to sockets, past the output pipes (see <see cref="HttpLimits.DirectSendMinBytes"/>).</summary>
    public long DirectBodyBytes => Interlocked.Read(ref _directBodyBytes);

    internal void CountDirectBytes(long bytes) => Interlocked.Add(ref _directBodyBytes, bytes);

    public void Start(IPEndPoint endPoint)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            listener.DualMode = endPoint.Address.Equals(IPAddress.IPv6Any);
        }

        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(endPoint);
        listener.Listen(512);
        _listener = listener;
        _acceptLoop = AcceptLoopAsync(listener);
    }

    /// <summary>Stops accepting, lets in-flight requests finish (bounded by the shutdown timeout),
    /// then aborts what is left.</summary>
    public async Task StopAsync()
    {
        var listener = Interlocked.Exchange(ref _listener, null);
        if (listener is null)
        {
            return;
        }

        listener.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }

        foreach (var connection in _connections.Keys)
        {
            connection.BeginShutdown();
        }

        var all = Task.WhenAll(_connections.Values);
        if (await Task.WhenAny(all, Task.Delay(_limits.ShutdownTimeout)) != all)
        {
            _logger.LogWarning("Shutdown timeout: aborting {Count} connections", _connections.Count);
            foreach (var connection in _connections.Keys)
            {
                connection.Abort();
            }

            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(2)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _pool.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.InvalidArgument)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of descriptors and similar: keep serving existing connections, retry shortly.
                _logger.LogWarning(ex, "Accept failed");
                await Task.Delay(50);
                continue;
            }

            socket.NoDelay = true;
            var sendDirect = _limits.DirectSendMinBytes < long.MaxValue && SocketBodySender.IsSupported;
            if (sendDirect)
            {
                // Non-blocking for synchronous calls, before the transport's loops start: a direct
                // SendNow must return with what the kernel takes instead of parking the socket thread
                // (every continuation runs inline on it). The package only sends and receives
                // asynchronously, which this does not change.
                socket.Blocking = false;
            }

            var transport = SocketConnection.Create(socket, _pipeOptions, _pipeOptions);
            var direct = sendDirect ? new SocketBodySender(transport, this) : null;
            var connection = new HttpConnection(transport, _application, _limits, _logger, socket.RemoteEndPoint, direct);
            _connections[connection] = RunConnectionAsync(connection, transport);
        }
    }

    private async Task RunConnectionAsync(HttpConnection connection, SocketConnection transport)
    {
        await Task.Yield(); // leave the accept loop before the first read
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            transport.Dispose();
            _connections.TryRemove(connection, out _);
        }
    }
}
