using System.Buffers;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using FastS3.Auth;
using FastS3.Auth.Chunked;
using FastS3.Auth.Credentials;
using FastS3.Auth.SigV4;

namespace FastS3.Bench.Auth;

/// <summary>
/// Hot-path costs of authentication: SigV4 header verification of a typical 4 KiB PUT head
/// (the body hash is the caller's and not included), presigned GET verification, and one
/// 64 KiB chunk of a signed streaming upload through the decoder (SHA-256 of the data plus the
/// chunk HMAC). The signing key is cached after the first call, as in production.
/// </summary>
[MemoryDiagnoser]
public class SigV4VerifyBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private S3Authenticator _auth = null!;
    private BufferedRequestHead _put = null!;
    private BufferedRequestHead _presignedGet = null!;
    private AwsChunkedDecoder _decoder = null!;
    private ChunkSigningContext _chunking = null!;
    private byte[] _chunkBody = null!;

    [GlobalSetup]
    public void Setup()
    {
        _auth = new S3Authenticator(CredentialStore.Parse("AKIABENCHMARK0000001:bench/secret/key+0123456789abcdefghij\n"), new S3AuthOptions());
        var signer = new SigV4Signer("AKIABENCHMARK0000001", "bench/secret/key+0123456789abcdefghij");

        var body = new byte[4096];
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        _put = new BufferedRequestHead("PUT", "/bench-bucket/some/object/key-0001.bin")
            .Add("Host", "127.0.0.1:9000")
            .Add("Accept-Encoding", "identity")
            .Add("x-amz-sdk-checksum-algorithm", "CRC32")
            .Add("Content-Type", "application/octet-stream")
            .Add("User-Agent", "aws-cli/1.45.11 md/Botocore#1.43.11 ua/2.1 os/linux lang/python#3.11.7")
            .Add("Expect", "100-continue")
            .Add("x-amz-checksum-crc32", "BWUqWA==")
            .Add("X-Amz-Date", SigV4Signer.FormatAmzDate(Now))
            .Add("X-Amz-Content-SHA256", hash);
        _put.Add("Authorization", signer.Sign(_put, Now, hash).Authorization)
            .Add("amz-sdk-invocation-id", "ac4a78cf-dffa-4efb-ae87-9d118d65273d")
            .Add("amz-sdk-request", "attempt=1")
            .Add("Content-Length", "4096");

        var query = signer.Presign("GET", "/bench-bucket/some/object/key-0001.bin", "", "127.0.0.1:9000", Now, 3600);
        _presignedGet = new BufferedRequestHead("GET", "/bench-bucket/some/object/key-0001.bin", query).Add("Host", "127.0.0.1:9000");

        var seedHead = new BufferedRequestHead("PUT", "/bench-bucket/big").Add("Host", "127.0.0.1:9000")
            .Add("X-Amz-Date", SigV4Signer.FormatAmzDate(Now)).Add("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        _chunking = signer.CreateChunkContext(signer.Sign(seedHead, Now, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), Now);
        var data = new byte[64 * 1024];
        new Random(1).NextBytes(data);
        _chunkBody = AwsChunkedEncoder.Encode(data, [data.Length], _chunking);
        _decoder = new AwsChunkedDecoder();

        if (!VerifyPut() || !VerifyPresignedGet() || DecodeOneChunk() != data.Length)
        {
            throw new InvalidOperationException("Benchmark inputs do not verify.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _decoder.Dispose();

    [Benchmark]
    public bool VerifyPut() => _auth.Authenticate(_put, Now).Succeeded;

    [Benchmark]
    public bool VerifyPresignedGet() => _auth.Authenticate(_presignedGet, Now).Succeeded;

    /// <summary>A 64 KiB signed chunk plus the final zero-length chunk (two HMACs, SHA-256 of 64 KiB).</summary>
    [Benchmark]
    public long DecodeOneChunk()
    {
        _decoder.Reset(PayloadMode.StreamingSigned, _chunking, 64 * 1024);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_chunkBody));
        long total = 0;
        while (_decoder.Decode(ref reader, out var data, isFinalBlock: true) == AwsChunkedStatus.Data)
        {
            total += data.Length;
        }

        return _decoder.Error == AwsChunkedError.None ? total : -1;
    }
}
