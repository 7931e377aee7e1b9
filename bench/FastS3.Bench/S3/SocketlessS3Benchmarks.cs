using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastS3.Auth;
using FastS3.Auth.Credentials;
using FastS3.Http;
using FastS3.S3;
using FastS3.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastS3.Bench.S3;

/// <summary>
/// The whole request path without the kernel: request bytes go into an in-memory duplex pipe,
/// the real <see cref="HttpConnection"/> parses, routes, authenticates (anonymous here, so the
/// figure is the transport + S3 cost) and serves from the memory store, and the response bytes
/// are read back. Reports time and allocations per small GET / HEAD.
/// </summary>
[MemoryDiagnoser]
public class SocketlessS3Benchmarks
{
    private readonly byte[] _get = Encoding.ASCII.GetBytes("GET /bench/obj4k HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n");
    private readonly byte[] _head = Encoding.ASCII.GetBytes("HEAD /bench/obj4k HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\n\r\n");
    private Pipe _toServer = null!;
    private Pipe _fromServer = null!;
    private Task _connection = null!;
    private int _getResponseBytes;
    private int _headResponseBytes;

    [GlobalSetup]
    public void Setup()
    {
        var store = new MemoryObjectStore();
        store.CreateBucketAsync("bench", default).AsTask().GetAwaiter().GetResult();
        var writer = store.BeginPut("bench", "obj4k").Value!;
        writer.WriteAsync(new byte[4096], default).AsTask().GetAwaiter().GetResult();
        writer.CommitAsync(new ObjectInfo { Key = "obj4k", Size = 4096, ETag = "\"e\"", LastModified = DateTimeOffset.UtcNow }, WriteCondition.None, default).AsTask().GetAwaiter().GetResult();

        var auth = new RequestAuthenticator(new S3Authenticator(new CredentialStore([]), new S3AuthOptions { AllowAnonymous = true }), TimeProvider.System);
        var app = new S3Application(store, new S3Options(), auth, NullLogger.Instance);
        var options = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false, pauseWriterThreshold: 0);
        _toServer = new Pipe(options);
        _fromServer = new Pipe(options);
        var connection = new HttpConnection(new DuplexPipe(_toServer.Reader, _fromServer.Writer), app, new HttpLimits(), NullLogger.Instance, null);
        _connection = connection.RunAsync();
        _getResponseBytes = RoundTrip(_get, 0);
        _headResponseBytes = RoundTrip(_head, 0);
    }

    [Benchmark]
    public int SmallGet() => RoundTrip(_get, _getResponseBytes);

    [Benchmark]
    public int SmallHead() => RoundTrip(_head, _headResponseBytes);

    [GlobalCleanup]
    public void Cleanup()
    {
        _toServer.Writer.Complete();
        _connection.GetAwaiter().GetResult();
    }

    /// <summary>Sends one request and consumes its response (of known size once measured).</summary>
    private int RoundTrip(byte[] request, int expected)
    {
        _toServer.Writer.Write(request);
        _toServer.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
        var reader = _fromServer.Reader;
        while (true)
        {
            var result = reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            var buffer = result.Buffer;
            var length = expected > 0 ? expected : ResponseLength(buffer, request == _head);
            if (length > 0 && buffer.Length >= length)
            {
                reader.AdvanceTo(buffer.GetPosition(length));
                return length;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static int ResponseLength(in ReadOnlySequence<byte> buffer, bool isHead)
    {
        var text = Encoding.ASCII.GetString(buffer.ToArray());
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return 0;
        }

        var cl = text.IndexOf("Content-Length: ", StringComparison.Ordinal);
        var clEnd = text.IndexOf("\r\n", cl, StringComparison.Ordinal);
        var contentLength = int.Parse(text[(cl + 16)..clEnd], System.Globalization.CultureInfo.InvariantCulture);
        return end + 4 + (isHead ? 0 : contentLength);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
