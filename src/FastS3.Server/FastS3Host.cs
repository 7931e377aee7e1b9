using System.Net;
using FastS3.Auth;
using FastS3.Auth.Credentials;
using FastS3.Engine;
using FastS3.Http;
using FastS3.S3;
using FastS3.Segments;
using FastS3.Storage;
using FastS3.Wal;
using FastS3.Wal.Device;
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
    private readonly ErasureParts? _erasure;

    private FastS3Host(HttpServer server, IObjectStore store, ErasureParts? erasure, IPEndPoint endPoint)
    {
        _server = server;
        _store = store;
        _erasure = erasure;
        Endpoint = endPoint;
    }

    public IPEndPoint Endpoint { get; }

    /// <summary><c>http://127.0.0.1:port</c>, what an S3 client takes as its service URL.</summary>
    public Uri ServiceUrl => new($"http://{Endpoint}");

    public IObjectStore Store => _store;

    /// <summary>GET body bytes sent from where they are stored straight to sockets, past the output pipes.</summary>
    public long DirectBodyBytes => _server.DirectBodyBytes;

    /// <summary>The erasure-coded segment store (null when <see cref="ServerConfig.EnableErasureCoding"/> is off).</summary>
    public ErasureSegmentStore? ErasureStore => _erasure?.Store;

    /// <summary>Degraded mode, rebuild progress and healing counts (null when erasure coding is off); also served at <c>GET /_health</c>.</summary>
    public ErasureHealth? ErasureHealth => _erasure?.Maintenance.Snapshot;

    /// <summary>Builds and starts a server from <paramref name="config"/>. Credentials come from the
    /// config's auth file unless <paramref name="credentials"/> is given (embedding and tests).</summary>
    public static FastS3Host Start(ServerConfig config, CredentialStore? credentials = null, IObjectStore? store = null, ILoggerFactory? loggerFactory = null, HttpLimits? limits = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        if (config.Protocol != "http")
        {
            throw new ConfigException($"protocol '{config.Protocol}' is not available in this build; use 'http'");
        }

        config.Validate();
        credentials ??= LoadCredentials(config);
        ErasureParts? erasure = null;
        if (store is null)
        {
            (store, erasure) = OpenStore(config, loggerFactory);
        }

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
        var health = new HealthEndpoint(application, () => erasure?.Maintenance.Snapshot);
        var engine = store as EngineObjectStore;
        var metrics = new MetricsEndpoint(health, () => engine?.GetStatistics(), () => erasure?.Maintenance.Snapshot);
        limits ??= new HttpLimits();
        if (!config.DirectSend)
        {
            limits = limits with { DirectSendMinBytes = long.MaxValue };
        }

        var server = new HttpServer(metrics, limits, loggerFactory.CreateLogger("FastS3.Http"));
        server.Start(config.ListenAddress);
        return new FastS3Host(server, store, erasure, server.LocalEndPoint!);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();

        // Healer first (it only touches shards), then the engine (its log stops reporting
        // offloads), then the coder, which finishes the segments already queued.
        _erasure?.Maintenance.Dispose();
        await _store.DisposeAsync();
        _erasure?.Sink.Dispose();
    }

    /// <summary>Stops accepting and waits (bounded) for in-flight requests.</summary>
    public Task StopAsync() => _server.StopAsync();

    private static (IObjectStore Store, ErasureParts? Erasure) OpenStore(ServerConfig config, ILoggerFactory loggerFactory)
    {
        if (config.StorageBackend == "memory")
        {
            return (new MemoryObjectStore(), null);
        }

        var logger = loggerFactory.CreateLogger("FastS3.Engine");
        var walDirectory = EngineObjectStore.WalDirectoryOf(config.StorageRoot);
        ErasureSegmentStore? shards = null;
        ErasureCodingSink? coder = null;
        if (config.EnableErasureCoding)
        {
            // Data directories are created only on the very first start (no log yet): later, a
            // missing one is a lost drive, served from parity and rebuilt by the maintenance thread.
            shards = ErasureSegmentStore.Open(config.ErasureLayout(), createMissingDirectories: !Directory.Exists(walDirectory));
            coder = new ErasureCodingSink(
                shards,
                id => Path.Combine(walDirectory, FileWalDevice.SegmentFileName(id)),
                onWritten: (segment, result) =>
                {
                    if (!result.IsSuccess)
                    {
                        logger.LogError("Erasure coding of segment {Segment} failed ({Status}: {Error}); it stays in the local log", segment.SegmentId, result.Status, result.Error);
                    }
                });
        }

        Directory.CreateDirectory(config.StorageRoot);
        EngineObjectStore engine;
        try
        {
            var defaults = new EngineOptions();
            engine = EngineObjectStore.Open(config.StorageRoot, new EngineOptions
            {
                SegmentSizeBytes = config.SegmentSizeBytes,
                IndexBufferPoolBytes = config.BufferPoolBytes > 0 ? config.BufferPoolBytes : defaults.IndexBufferPoolBytes,
                Durability = config.Durability == "os" ? Durability.Os : Durability.Fsync,
                CheckpointInterval = TimeSpan.FromSeconds(config.CheckpointIntervalSeconds),
                CompactionLiveFraction = config.CompactionLiveFraction,
                SealedSegmentSink = coder,
                SealedSegmentReader = shards,
                Log = message => logger.LogInformation("{Message}", message),
                RecoveryProgress = p => logger.LogInformation("Recovery: {Progress}", p),
            });
        }
        catch
        {
            coder?.Dispose();
            throw;
        }

        return (engine, shards is null ? null : new ErasureParts(shards, coder!, new ErasureMaintenance(shards, loggerFactory.CreateLogger("FastS3.Erasure"), retryCoding: coder!.RetryFailed)));
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
