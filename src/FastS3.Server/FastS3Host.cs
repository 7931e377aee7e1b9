using System.Net;
using FastS3.Auth;
using FastS3.Auth.Credentials;
using FastS3.Engine;
using FastS3.Http;
using FastS3.S3;
using FastS3.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastS3.Server;

/// <summary>
/// The composition root: store + authenticator + S3 application + HTTP server. The executable
/// uses it, and so can any .NET process that wants an S3 endpoint in-process (tests bind port 0
/// and read <see cref="Endpoint"/>); disposing stops the server.
/// </summary>
public sealed class FastS3Host : IAsyncDisposable
{
    private readonly HttpServer _server;
    private readonly IObjectStore _store;

    private FastS3Host(HttpServer server, IObjectStore store, IPEndPoint endPoint)
    {
        _server = server;
        _store = store;
        Endpoint = endPoint;
    }

    public IPEndPoint Endpoint { get; }

    /// <summary><c>http://127.0.0.1:port</c>, what an S3 client takes as its service URL.</summary>
    public Uri ServiceUrl => new($"http://{Endpoint}");

    public IObjectStore Store => _store;

    /// <summary>Builds and starts a server from <paramref name="config"/>. Credentials come from the
    /// config's auth file unless <paramref name="credentials"/> is given (embedding and tests).</summary>
    public static FastS3Host Start(ServerConfig config, CredentialStore? credentials = null, IObjectStore? store = null, ILoggerFactory? loggerFactory = null, HttpLimits? limits = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        if (config.Protocol != "http")
        {
            throw new ConfigException($"protocol '{config.Protocol}' is not available in this build; use 'http'");
        }

        credentials ??= LoadCredentials(config);
        store ??= OpenStore(config, loggerFactory.CreateLogger("FastS3.Engine"));
        var authOptions = new S3AuthOptions
        {
            Region = config.Region,
            AllowAnonymous = config.AllowAnonymous,
            AllowSimpleHeaderAuth = config.AllowHeaderAuth,
            VirtualHostDomains = config.VirtualHostDomains,
        };
        var authenticator = new RequestAuthenticator(new S3Authenticator(credentials, authOptions), TimeProvider.System);
        var s3Options = new S3Options { Region = config.Region, VirtualHostDomains = config.VirtualHostDomains };
        var application = new S3Application(store, s3Options, authenticator, loggerFactory.CreateLogger("FastS3.S3"));
        var server = new HttpServer(application, limits ?? new HttpLimits(), loggerFactory.CreateLogger("FastS3.Http"));
        server.Start(config.ListenAddress);
        return new FastS3Host(server, store, server.LocalEndPoint!);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _store.DisposeAsync();
    }

    /// <summary>Stops accepting and waits (bounded) for in-flight requests.</summary>
    public Task StopAsync() => _server.StopAsync();

    private static IObjectStore OpenStore(ServerConfig config, ILogger logger)
    {
        if (config.StorageBackend == "memory")
        {
            return new MemoryObjectStore();
        }

        Directory.CreateDirectory(config.StorageRoot);
        return EngineObjectStore.Open(config.StorageRoot, new EngineOptions
        {
            Log = message => logger.LogInformation("{Message}", message),
            RecoveryProgress = p => logger.LogInformation("Recovery: {Progress}", p),
        });
    }

    private static CredentialStore LoadCredentials(ServerConfig config)
    {
        if (config.AuthFile is null)
        {
            return new CredentialStore([]);
        }

        if (!File.Exists(config.AuthFile))
        {
            throw new ConfigException($"key 'auth_file': credentials file '{config.AuthFile}' does not exist");
        }

        try
        {
            return CredentialStore.Load(config.AuthFile);
        }
        catch (FormatException ex)
        {
            throw new ConfigException($"key 'auth_file': {ex.Message}");
        }
    }
}
