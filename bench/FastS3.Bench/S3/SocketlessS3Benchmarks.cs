using System.Text;
using BenchmarkDotNet.Attributes;
using FastS3.Http;
using FastS3.Server;

namespace FastS3.Bench.S3;

/// <summary>
/// The whole request path without the kernel: request bytes go through
/// <see cref="InMemoryConnection"/> into the real connection, parser, router, authenticator
/// (anonymous, so the figure is transport + S3 cost) and memory store, and the response bytes
/// come back. Reports time and allocations per small GET / HEAD.
/// </summary>
[MemoryDiagnoser]
public class SocketlessS3Benchmarks
{
    private readonly byte[] _get = Encoding.ASCII.GetBytes("GET /bench/obj4k HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n");
    private readonly byte[] _head = Encoding.ASCII.GetBytes("HEAD /bench/obj4k HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n");
    private InMemoryConnection _connection = null!;

    [GlobalSetup]
    public void Setup()
    {
        _connection = SocketlessFixture.CreateWith4KiBObject("bench", "obj4k");
        _connection.RoundTrip(_get, isHead: false);
    }

    [Benchmark]
    public int SmallGet() => _connection.RoundTrip(_get, isHead: false);

    [Benchmark]
    public int SmallHead() => _connection.RoundTrip(_head, isHead: true);

    [GlobalCleanup]
    public void Cleanup() => _connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
