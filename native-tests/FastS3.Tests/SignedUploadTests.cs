using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using ChecksumAlgorithm = FastS3.Auth.Checksums.ChecksumAlgorithm;
using FastS3.Auth;
using FastS3.Auth.Checksums;
using FastS3.Auth.Chunked;
using FastS3.Auth.SigV4;

namespace FastS3.Tests;

/// <summary>
/// Uploads built byte by byte with the project's own signer, so each integrity failure can be
/// produced exactly: a tampered aws-chunked chunk, a wrong payload hash, a wrong checksum. Each
/// must be refused with its named error and leave no object behind.
/// </summary>
public abstract class SignedUploadTests(ServerFixture server)
{
    private const int MiB = 1024 * 1024;
    private static readonly string EmptySha = Convert.ToHexStringLower(SHA256.HashData([]));

    private readonly SigV4Signer _signer = new(ServerFixture.AccessKey, ServerFixture.SecretKey);

    [Fact]
    public async Task Signed_streaming_upload_round_trips_and_a_tampered_chunk_leaves_nothing()
    {
        var bucket = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(20 * MiB);

        var (ok, _) = await SendStreamingAsync(bucket, "intact", data, tamperAt: -1);
        Assert.Equal(200, ok);
        using var s3 = server.Client();
        using (var get = await s3.GetObjectAsync(bucket, "intact"))
        {
            using var ms = new MemoryStream();
            await get.ResponseStream.CopyToAsync(ms);
            Assert.Equal(data, ms.ToArray());
        }

        var (status, body) = await SendStreamingAsync(bucket, "tampered", data, tamperAt: 10 * MiB + 5);
        Assert.Equal(403, status);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", body, StringComparison.Ordinal);
        await AssertAbsentAsync(bucket, "tampered");
    }

    [Fact]
    public async Task Payload_hash_mismatch_is_refused_and_nothing_is_stored()
    {
        var bucket = await NewBucketAsync();
        var data = Encoding.UTF8.GetBytes("the real body");
        var claimed = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("another body")));
        var (status, body) = await SendSignedAsync(bucket, "k", data, claimed);
        Assert.Equal(400, status);
        Assert.Contains("<Code>XAmzContentSHA256Mismatch</Code>", body, StringComparison.Ordinal);
        await AssertAbsentAsync(bucket, "k");
    }

    [Fact]
    public async Task Wrong_checksum_header_is_bad_digest_and_nothing_is_stored()
    {
        var bucket = await NewBucketAsync();
        var data = Encoding.UTF8.GetBytes("checksummed body");
        var wrong = ChecksumHasher.ComputeBase64(ChecksumAlgorithm.Crc32C, Encoding.UTF8.GetBytes("other"));
        var (status, body) = await SendSignedAsync(bucket, "k", data, Sha(data), ("x-amz-checksum-crc32c", wrong));
        Assert.Equal(400, status);
        Assert.Contains("<Code>BadDigest</Code>", body, StringComparison.Ordinal);
        await AssertAbsentAsync(bucket, "k");

        var right = ChecksumHasher.ComputeBase64(ChecksumAlgorithm.Crc32C, data);
        var (okStatus, _) = await SendSignedAsync(bucket, "k", data, Sha(data), ("x-amz-checksum-crc32c", right));
        Assert.Equal(200, okStatus);
    }

    [Fact]
    public async Task Checksum_header_together_with_a_trailer_is_an_invalid_request()
    {
        var bucket = await NewBucketAsync();
        var data = Encoding.UTF8.GetBytes("x");
        var (status, body) = await SendSignedAsync(bucket, "k", data, Sha(data), ("x-amz-checksum-crc32", ChecksumHasher.ComputeBase64(ChecksumAlgorithm.Crc32, data)), ("x-amz-trailer", "x-amz-checksum-crc32"));
        Assert.Equal(400, status);
        Assert.Contains("<Code>InvalidRequest</Code>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skewed_clock_is_refused()
    {
        var bucket = await NewBucketAsync();
        var (status, body) = await SendSignedAsync(bucket, "k", [1], Sha([1]), time: DateTimeOffset.UtcNow.AddMinutes(-20));
        Assert.Equal(403, status);
        Assert.Contains("<Code>RequestTimeTooSkewed</Code>", body, StringComparison.Ordinal);
    }

    /// <summary>curl --aws-sigv4 signs host and x-amz-date only and sends no x-amz-content-sha256,
    /// but uses the body's hash in its canonical request.</summary>
    [Fact]
    public async Task Curl_style_signature_without_a_payload_hash_header_verifies_against_the_body()
    {
        var bucket = await NewBucketAsync();
        var data = Encoding.UTF8.GetBytes("curl --data-binary body");
        var time = DateTimeOffset.UtcNow;
        var head = new BufferedRequestHead("PUT", "/" + bucket + "/curl")
            .Add("Host", server.Host.Endpoint.ToString())
            .Add("x-amz-date", SigV4Signer.FormatAmzDate(time))
            .Add("Content-Length", data.Length.ToString(CultureInfo.InvariantCulture));
        head.Add("Authorization", _signer.Sign(head, time, Sha(data), ["host", "x-amz-date"]).Authorization);
        var (status, _) = await ExchangeAsync([.. head.ToHttpBytes(), .. data]);
        Assert.Equal(200, status);

        var tampered = new BufferedRequestHead("PUT", "/" + bucket + "/curl2")
            .Add("Host", server.Host.Endpoint.ToString())
            .Add("x-amz-date", SigV4Signer.FormatAmzDate(time))
            .Add("Content-Length", data.Length.ToString(CultureInfo.InvariantCulture));
        tampered.Add("Authorization", _signer.Sign(tampered, time, Sha(data), ["host", "x-amz-date"]).Authorization);
        var other = Encoding.UTF8.GetBytes("CURL --data-binary body");
        var (refused, body) = await ExchangeAsync([.. tampered.ToHttpBytes(), .. other]);
        Assert.Equal(403, refused);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", body, StringComparison.Ordinal);
        await AssertAbsentAsync(bucket, "curl2");

        using var s3 = server.Client();
        using var get = await s3.GetObjectAsync(bucket, "curl");
        using var ms = new MemoryStream();
        await get.ResponseStream.CopyToAsync(ms);
        Assert.Equal(data, ms.ToArray());
    }

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private async Task<string> NewBucketAsync()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    private async Task AssertAbsentAsync(string bucket, string key)
    {
        using var s3 = server.Client();
        var ex = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, key));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, ex.StatusCode);
    }

    private Task<(int Status, string Body)> SendSignedAsync(string bucket, string key, byte[] data, string payloadHash, params (string Name, string Value)[] extra) =>
        SendSignedAsync(bucket, key, data, payloadHash, DateTimeOffset.UtcNow, extra);

    private async Task<(int Status, string Body)> SendSignedAsync(string bucket, string key, byte[] data, string payloadHash, DateTimeOffset time, params (string Name, string Value)[] extra)
    {
        var head = NewHead(bucket, key, time, payloadHash, data.Length);
        foreach (var (name, value) in extra)
        {
            head.Add(name, value);
        }

        head.Add("Authorization", _signer.Sign(head, time, payloadHash).Authorization);
        return await ExchangeAsync([.. head.ToHttpBytes(), .. data]);
    }

    private async Task<(int Status, string Body)> SendStreamingAsync(string bucket, string key, byte[] data, int tamperAt)
    {
        const string Mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
        var time = DateTimeOffset.UtcNow;
        var chunks = Enumerable.Repeat(64 * 1024, data.Length / (64 * 1024)).ToList();

        // Framing length does not depend on signature values (always 64 hex), so a first pass with
        // any context gives the Content-Length the real signature must cover.
        var probe = _signer.CreateChunkContext(_signer.Sign(NewHead(bucket, key, time, Mode, 0), time, Mode), time);
        var encodedLength = AwsChunkedEncoder.Encode(data, chunks, probe).Length;

        var head = NewHead(bucket, key, time, Mode, encodedLength);
        head.Add("Content-Encoding", "aws-chunked").Add("x-amz-decoded-content-length", data.Length.ToString(CultureInfo.InvariantCulture));
        var seed = _signer.Sign(head, time, Mode);
        head.Add("Authorization", seed.Authorization);
        var body = AwsChunkedEncoder.Encode(data, chunks, _signer.CreateChunkContext(seed, time));
        if (tamperAt >= 0)
        {
            body[tamperAt + 100] ^= 0x01; // inside a chunk's data, past the first chunk header
        }

        return await ExchangeAsync([.. head.ToHttpBytes(), .. body]);
    }

    private BufferedRequestHead NewHead(string bucket, string key, DateTimeOffset time, string payloadHash, long contentLength) =>
        new BufferedRequestHead("PUT", "/" + bucket + "/" + key)
            .Add("Host", server.Host.Endpoint.ToString())
            .Add("x-amz-date", SigV4Signer.FormatAmzDate(time))
            .Add("x-amz-content-sha256", payloadHash)
            .Add("Content-Length", contentLength.ToString(CultureInfo.InvariantCulture));

    /// <summary>Sends one request on a fresh loopback connection and reads one response.</summary>
    private async Task<(int Status, string Body)> ExchangeAsync(byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host.Endpoint);
        var stream = client.GetStream();
        var send = stream.WriteAsync(request).AsTask();
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
            var text = Encoding.UTF8.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                continue;
            }

            var lengthAt = text.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
            var length = int.Parse(text[(lengthAt + 16)..text.IndexOf("\r\n", lengthAt, StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            if (received.Length >= end + 4 + length)
            {
                var status = int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture);
                try
                {
                    await send.WaitAsync(TimeSpan.FromSeconds(5));
                }
                catch (Exception ex) when (ex is IOException or TimeoutException)
                {
                    // The server may answer an error and close before reading the whole body.
                }

                return (status, text[(end + 4)..]);
            }
        }

        throw new TimeoutException("No complete response within 60 s.");
    }
}

/// <summary>The tests above against the in-memory store.</summary>
public sealed class MemorySignedUploadTests(MemoryServerFixture server) : SignedUploadTests(server), IClassFixture<MemoryServerFixture>;

/// <summary>The tests above against the persistent engine.</summary>
public sealed class EngineSignedUploadTests(EngineServerFixture server) : SignedUploadTests(server), IClassFixture<EngineServerFixture>;
