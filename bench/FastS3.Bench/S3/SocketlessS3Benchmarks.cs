using System.Text;
using BenchmarkDotNet.Attributes;
using FastS3.Engine;
using FastS3.Http;
using FastS3.Server;
using FastS3.Storage;

namespace FastS3.Bench.S3;

/// <summary>
/// The whole request path without the kernel: request bytes go through
/// <see cref="InMemoryConnection"/> into the real connection, parser, router, authenticator
/// (anonymous, so the figure is transport + S3 cost) and the store, and the response bytes come
/// back. Reports time and allocations per small GET / HEAD, on the memory store and on the
/// persistent engine (the object's bytes read from the WAL mapping).
/// </summary>
[MemoryDiagnoser]
public class SocketlessS3Benchmarks
{
    private readonly byte[] _get = Encoding.ASCII.GetBytes("GET /bench/obj4k HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n");
    private readonly byte[] _head = Encoding.ASCII.GetBytes("HEAD /bench/obj4k HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n");
    private InMemoryConnection _connection = null!;
    private IObjectStore _store = null!;
    private string? _directory;

    /// <summary>"memory" or "engine" (fsync durability, a fresh directory).</summary>
    [Params("memory", "engine")]
    public string Backend { get; set; } = "memory";

    [GlobalSetup]
    public void Setup()
    {
        if (Backend == "engine")
        {
            _directory = Path.Combine(Path.GetTempPath(), "fasts3-socketless-bench-" + Guid.NewGuid().ToString("N"));
            _store = EngineObjectStore.Open(_directory, new EngineOptions { CheckpointInterval = TimeSpan.Zero, CheckpointOnClose = false });
        }
        else
        {
            _store = new MemoryObjectStore();
        }

        _connection = SocketlessFixture.CreateWith4KiBObject(_store, "bench", "obj4k");
        _connection.RoundTrip(_get, isHead: false);
    }

    [Benchmark]
    public int SmallGet() => _connection.RoundTrip(_get, isHead: false);

    [Benchmark]
    public int SmallHead() => _connection.RoundTrip(_head, isHead: true);

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
