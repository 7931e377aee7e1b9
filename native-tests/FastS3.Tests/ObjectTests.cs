using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace FastS3.Tests;

public abstract class ObjectTests(ServerFixture server)
{
    private async Task<(AmazonS3Client S3, string Bucket)> NewBucketAsync(Action<AmazonS3Config>? configure = null)
    {
        var s3 = server.Client(configure);
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        return (s3, bucket);
    }

    private static async Task<byte[]> ReadAllAsync(GetObjectResponse response)
    {
        using var ms = new MemoryStream();
        await response.ResponseStream.CopyToAsync(ms);
        return ms.ToArray();
    }

    public static TheoryData<string> ChecksumModes() => ["default", "nochunk", "CRC32C", "SHA256", "CRC64NVME", "CRC32", "when_required"];

    [Fact]
    public async Task Large_get_and_range_go_from_storage_straight_to_the_socket_with_exact_bytes()
    {
        var (s3, bucket) = await NewBucketAsync();

        // Three engine chunks (1 MiB each) and a bit: the body spans extents, the range crosses one.
        var data = RandomNumberGenerator.GetBytes((3 << 20) + 17);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "big", InputStream = new MemoryStream(data) });
        var before = server.Host.DirectBodyBytes;

        using (var get = await s3.GetObjectAsync(bucket, "big"))
        {
            Assert.Equal(data, await ReadAllAsync(get));
        }

        using (var range = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "big", ByteRange = new ByteRange(1_000_000, 2_500_000) }))
        {
            Assert.Equal(data[1_000_000..2_500_001], await ReadAllAsync(range));
        }

        // The memory store hands its arrays to the socket whole; the engine sends from the
        // segment mapping what the socket takes at once and copies any rest through the pipe.
        Assert.True(server.Host.DirectBodyBytes > before, "no GET body bytes were sent past the pipe");
    }

    [Fact]
    public async Task Large_get_to_a_client_that_reads_late_arrives_whole()
    {
        var (s3, bucket) = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(16 << 20);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "late", InputStream = new MemoryStream(data) });
        var url = new Uri(await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = "late",
            Verb = HttpVerb.GET,
            Protocol = Protocol.HTTP,
            Expires = DateTime.UtcNow.AddMinutes(5),
        }));

        // 16 MiB is far more than loopback socket buffers hold before the client reads: the
        // engine's non-blocking sends meet a full socket and copy the rest through the pipe,
        // then go direct again once it drains.
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(server.Host.Endpoint, timeout.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\n\r\n"), timeout.Token);
        await Task.Delay(300, timeout.Token);

        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var headEnd = -1;
        long expected = -1;
        while (expected < 0 || received.Length < expected)
        {
            var n = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.True(n > 0, "connection closed inside the response");
            received.Write(buffer, 0, n);
            if (headEnd < 0 && (headEnd = received.ToArray().AsSpan().IndexOf("\r\n\r\n"u8)) >= 0)
            {
                var head = Encoding.ASCII.GetString(received.ToArray(), 0, headEnd);
                Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
                Assert.Contains($"Content-Length: {data.Length}", head, StringComparison.Ordinal);
                expected = headEnd + 4 + data.Length;
            }
        }

        Assert.Equal(expected, received.Length);
        Assert.Equal(data, received.ToArray()[(headEnd + 4)..]);
    }

    [Fact]
    public async Task With_direct_send_off_a_large_get_is_copied_through_the_pipe()
    {
        var (s3, bucket) = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(1 << 20);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "big", InputStream = new MemoryStream(data) });

        // A second server over the same store, configured the way a config file turns it off;
        // stopped, not disposed, so the fixture keeps its store.
        var config = Server.ServerConfig.FromTable(Tomlyn.TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>("direct_send = false")!, Path.GetTempPath()) with
        {
            ListenAddress = new IPEndPoint(IPAddress.Loopback, 0),
            AuthFile = null,
        };
        var host = Server.FastS3Host.Start(config, new Auth.Credentials.CredentialStore([new Auth.Credentials.Credential(ServerFixture.AccessKey, ServerFixture.SecretKey)]), server.Host.Store);
        try
        {
            var copied = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(ServerFixture.AccessKey, ServerFixture.SecretKey), new AmazonS3Config { ServiceURL = host.ServiceUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
            using var get = await copied.GetObjectAsync(bucket, "big");
            Assert.Equal(data, await ReadAllAsync(get));
            Assert.Equal(0, host.DirectBodyBytes);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [MemberData(nameof(ChecksumModes))]
    public async Task Put_then_get_returns_exact_bytes_for_every_sdk_upload_mode(string mode)
    {
        var (s3, bucket) = await NewBucketAsync(c =>
        {
            if (mode == "when_required")
            {
                c.RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED;
            }
        });
        var data = RandomNumberGenerator.GetBytes(300_001);
        var request = new PutObjectRequest { BucketName = bucket, Key = "obj/" + mode, InputStream = new MemoryStream(data) };
        if (mode == "nochunk")
        {
            request.UseChunkEncoding = false;
        }
        else if (mode is "CRC32C" or "SHA256" or "CRC64NVME" or "CRC32")
        {
            request.ChecksumAlgorithm = new ChecksumAlgorithm(mode);
        }

        var put = await s3.PutObjectAsync(request);
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"", put.ETag);

        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj/" + mode, ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(data, await ReadAllAsync(get));
        Assert.Equal(data.Length, get.ContentLength);
        if (mode is "CRC32C")
        {
            Assert.False(string.IsNullOrEmpty(get.ChecksumCRC32C));
        }
    }

    [Fact]
    public async Task Metadata_and_content_headers_round_trip_and_aws_chunked_is_not_stored()
    {
        var (s3, bucket) = await NewBucketAsync();
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = "meta.txt",
            ContentBody = "hello",
            ContentType = "text/plain",
        };
        request.Metadata["Color"] = "blue";
        request.Headers.ContentDisposition = "attachment; filename=\"m.txt\"";
        request.Headers.CacheControl = "max-age=60";
        request.Headers.ContentEncoding = "identity";
        await s3.PutObjectAsync(request);

        var head = await s3.GetObjectMetadataAsync(bucket, "meta.txt");
        Assert.Equal("text/plain", head.Headers.ContentType);
        Assert.Equal("blue", head.Metadata["x-amz-meta-color"]);
        Assert.Equal("attachment; filename=\"m.txt\"", head.Headers.ContentDisposition);
        Assert.Equal("max-age=60", head.Headers.CacheControl);
        Assert.Equal("identity", head.Headers.ContentEncoding);
        Assert.Equal(5, head.ContentLength);

        // The SDK uploaded with Content-Encoding: aws-chunked; only the framing marker is dropped.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", InputStream = new MemoryStream([1, 2, 3]) });
        var plain = await s3.GetObjectMetadataAsync(bucket, "plain");
        Assert.True(string.IsNullOrEmpty(plain.Headers.ContentEncoding));
    }

    [Fact]
    public async Task Ranges_return_206_and_unsatisfiable_range_is_416()
    {
        var (s3, bucket) = await NewBucketAsync();
        var data = Encoding.ASCII.GetBytes("0123456789abcdefghij");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "r", InputStream = new MemoryStream(data) });

        using (var mid = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(2, 5) }))
        {
            Assert.Equal(HttpStatusCode.PartialContent, mid.HttpStatusCode);
            Assert.Equal("2345", Encoding.ASCII.GetString(await ReadAllAsync(mid)));
            Assert.Equal("bytes 2-5/20", mid.ContentRange);
        }

        using (var suffix = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange("bytes=-3") }))
        {
            Assert.Equal("hij", Encoding.ASCII.GetString(await ReadAllAsync(suffix)));
        }

        using (var open = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange("bytes=17-") }))
        {
            Assert.Equal("hij", Encoding.ASCII.GetString(await ReadAllAsync(open)));
        }

        var ex = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "r", ByteRange = new ByteRange(50, 60) }));
        Assert.Equal("InvalidRange", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, ex.StatusCode);
    }

    [Fact]
    public async Task Read_conditions_give_304_and_412()
    {
        var (s3, bucket) = await NewBucketAsync();
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "c", ContentBody = "cond" });

        var notModified = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToNotMatch = put.ETag }));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        var failed = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToMatch = "\"0000\"" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);

        var unmodified = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", UnmodifiedSinceDate = DateTime.UtcNow.AddDays(-1) }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, unmodified.StatusCode);

        using var ok = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToMatch = put.ETag, ModifiedSinceDate = DateTime.UtcNow.AddDays(-1) });
        Assert.Equal(HttpStatusCode.OK, ok.HttpStatusCode);
    }

    [Fact]
    public async Task Conditional_writes_are_atomic_with_the_write()
    {
        var (s3, bucket) = await NewBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "w", ContentBody = "first", IfNoneMatch = "*" });
        var exists = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "w", ContentBody = "second", IfNoneMatch = "*" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, exists.StatusCode);

        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "nope", ContentBody = "x", IfMatch = "\"abc\"" }));
        Assert.Equal("NoSuchKey", missing.ErrorCode);

        using var get = await s3.GetObjectAsync(bucket, "w");
        Assert.Equal("first", Encoding.UTF8.GetString(await ReadAllAsync(get)));
    }

    [Fact]
    public async Task Missing_keys_and_buckets_give_named_404s_and_delete_is_idempotent()
    {
        var (s3, bucket) = await NewBucketAsync();
        var key = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "absent"));
        Assert.Equal("NoSuchKey", key.ErrorCode);
        var headMissing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "absent"));
        Assert.Equal(HttpStatusCode.NotFound, headMissing.StatusCode);
        var noBucket = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync("no-such-bucket-xyz", "k"));
        Assert.Equal("NoSuchBucket", noBucket.ErrorCode);

        var del = await s3.DeleteObjectAsync(bucket, "absent");
        Assert.Equal(HttpStatusCode.NoContent, del.HttpStatusCode);
    }

    [Fact]
    public async Task Keys_are_opaque_bytes()
    {
        var (s3, bucket) = await NewBucketAsync();
        string[] keys = ["a+b c", "../escape", "unicode/é✓😀", "percent%20kept", "q?x=1&y", "trailing/"];
        foreach (var k in keys)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }

        foreach (var k in keys)
        {
            using var get = await s3.GetObjectAsync(bucket, k);
            Assert.Equal(k, Encoding.UTF8.GetString(await ReadAllAsync(get)));
        }

        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal).ToArray(), listed.S3Objects.Select(o => o.Key).ToArray());

        var tooLong = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = new string('k', 1025), ContentBody = "x" }));
        Assert.Equal("KeyTooLongError", tooLong.ErrorCode);
    }

    [Fact]
    public async Task Copy_object_with_copy_and_replace_directives()
    {
        var (s3, bucket) = await NewBucketAsync();
        var src = new PutObjectRequest { BucketName = bucket, Key = "src key", ContentBody = "copy me", ContentType = "text/x-src" };
        src.Metadata["origin"] = "source";
        await s3.PutObjectAsync(src);

        await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src key", DestinationBucket = bucket, DestinationKey = "dst/copied" });
        var copied = await s3.GetObjectMetadataAsync(bucket, "dst/copied");
        Assert.Equal("text/x-src", copied.Headers.ContentType);
        Assert.Equal("source", copied.Metadata["x-amz-meta-origin"]);

        var replace = new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src key", DestinationBucket = bucket, DestinationKey = "dst/replaced", MetadataDirective = S3MetadataDirective.REPLACE, ContentType = "text/x-new" };
        replace.Metadata["origin"] = "replaced";
        await s3.CopyObjectAsync(replace);
        var replaced = await s3.GetObjectMetadataAsync(bucket, "dst/replaced");
        Assert.Equal("text/x-new", replaced.Headers.ContentType);
        Assert.Equal("replaced", replaced.Metadata["x-amz-meta-origin"]);
        using var body = await s3.GetObjectAsync(bucket, "dst/replaced");
        Assert.Equal("copy me", Encoding.UTF8.GetString(await ReadAllAsync(body)));

        var self = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src key", DestinationBucket = bucket, DestinationKey = "src key" }));
        Assert.Equal("InvalidRequest", self.ErrorCode);

        var cond = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src key", DestinationBucket = bucket, DestinationKey = "x", ETagToMatch = "\"nomatch\"" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, cond.StatusCode);

        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "missing", DestinationBucket = bucket, DestinationKey = "x" }));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
    }

    [Fact]
    public async Task Delete_objects_reports_each_key_and_honours_quiet()
    {
        var (s3, bucket) = await NewBucketAsync();
        foreach (var k in new[] { "d1", "d2", "d3" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }

        var result = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new KeyVersion { Key = "d1" }, new KeyVersion { Key = "d2" }, new KeyVersion { Key = "never" }] });
        Assert.Equal(["d1", "d2", "never"], result.DeletedObjects.Select(d => d.Key).Order().ToArray());

        var quiet = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Quiet = true, Objects = [new KeyVersion { Key = "d3" }] });
        Assert.True(quiet.DeletedObjects is null || quiet.DeletedObjects.Count == 0);
        var left = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.True(left.S3Objects is null || left.S3Objects.Count == 0);
    }

    [Fact]
    public async Task Wrong_secret_and_unknown_key_are_refused()
    {
        using var bad = server.Client(secretKey: "wrong-secret");
        var sig = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => bad.ListBucketsAsync());
        Assert.Equal("SignatureDoesNotMatch", sig.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, sig.StatusCode);

        using var unknown = server.Client(accessKey: "nobody", secretKey: "x");
        var key = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => unknown.ListBucketsAsync());
        Assert.Equal("InvalidAccessKeyId", key.ErrorCode);

        using var http = new HttpClient();
        var anonymous = await http.GetAsync(server.ServiceUrl);
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await anonymous.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Presigned_get_and_put_urls_work_with_a_plain_http_client()
    {
        var (s3, bucket) = await NewBucketAsync();
        var putUrl = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "presigned", Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        using var http = new HttpClient();
        var put = await http.PutAsync(putUrl, new ByteArrayContent(Encoding.UTF8.GetBytes("via presign")));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var head = await s3.GetObjectMetadataAsync(bucket, "presigned");
        Assert.Equal("binary/octet-stream", head.Headers.ContentType); // no Content-Type sent: S3's default

        var getUrl = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "presigned", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        Assert.Equal("via presign", await http.GetStringAsync(getUrl));

        var tampered = await http.GetAsync(getUrl.Replace("presigned", "presignee", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
    }
}

/// <summary>The tests above against the in-memory store.</summary>
public sealed class MemoryObjectTests(MemoryServerFixture server) : ObjectTests(server), IClassFixture<MemoryServerFixture>;

/// <summary>The tests above against the persistent engine.</summary>
public sealed class EngineObjectTests(EngineServerFixture server) : ObjectTests(server), IClassFixture<EngineServerFixture>;
