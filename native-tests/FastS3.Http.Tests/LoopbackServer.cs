using System.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastS3.Http.Tests;

/// <summary>A real <see cref="HttpServer"/> on 127.0.0.1, any free port, with <see cref="TestApplication"/>.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly HttpServer _server;

    public LoopbackServer(HttpLimits? limits = null)
    {
        Limits = (limits ?? new HttpLimits()) with { ShutdownTimeout = TimeSpan.FromSeconds(2) };
        _server = new HttpServer(Application, Limits, NullLogger.Instance);
        _server.Start(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public TestApplication Application { get; } = new();

    public HttpLimits Limits { get; }

    /// <summary>Body bytes the server sent straight to sockets, past the output pipes.</summary>
    public long DirectBodyBytes => _server.DirectBodyBytes;

    public IPEndPoint EndPoint => _server.LocalEndPoint ?? throw new InvalidOperationException("not started");

    public Task<RawClient> ConnectAsync() => RawClient.ConnectAsync(EndPoint);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();
}
