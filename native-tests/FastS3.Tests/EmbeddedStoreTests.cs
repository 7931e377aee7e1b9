using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FastS3.Auth.Credentials;
using FastS3.Common.Errors;
using FastS3.Engine;
using FastS3.S3;
using FastS3.Server;
using FastS3.Server.Embedded;
using FastS3.Storage;

namespace FastS3.Tests;

/// <summary>The embedded API on the engine: S3 semantics and errors in-process, persistence across reopen, and the same objects served over HTTP.</summary>
public sealed class EmbeddedStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fasts3-embedded-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Put_from_stream_pipe_and_memory_then_get_range_list_delete_and_reopen()
    {
        var big = RandomBytes(1, 3 * 1024 * 1024 + 17);
        var piped = RandomBytes(2, 700_000);
        await using (var store = LocalObjectStore.Open(_folder, Options()))
        {
            await store.CreateBucketAsync("photos");
            var fromStream = await store.PutAsync("photos", "2026/big.bin", new MemoryStream(big), new PutObjectOptions { ContentType = "image/x-test", Metadata = new Dictionary<string, string> { ["Camera"] = "x100" } });
            Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(big))}\"", fromStream.ETag);
            Assert.Equal(big.Length, fromStream.Size);
            Assert.Equal("CRC64NVME", fromStream.Checksum!.Algorithm);

            var pipe = new Pipe();
            var feeding = Task.Run(async () =>
            {
                for (var at = 0; at < piped.Length; at += 10_007)
                {
                    await pipe.Writer.WriteAsync(piped.AsMemory(at, Math.Min(10_007, piped.Length - at)));
                }

                await pipe.Writer.CompleteAsync();
            });
            await store.PutAsync("photos", "2026/piped.bin", pipe.Reader);
            await feeding;
            await store.PutAsync("photos", "2025/small.txt", "hello"u8.ToArray());

            Assert.Equal(big, await store.GetBytesAsync("photos", "2026/big.bin"));
            Assert.Equal(piped, await store.GetBytesAsync("photos", "2026/piped.bin"));
            await using (var range = store.OpenRead("photos", "2026/big.bin", 1_000_000, 12_345))
            {
                var read = new MemoryStream();
                await range.CopyToAsync(read);
                Assert.Equal(big.AsSpan(1_000_000, 12_345).ToArray(), read.ToArray());
            }

            var head = store.Head("photos", "2026/big.bin");
            Assert.Equal("image/x-test", head.ContentType);
            Assert.Equal("x100", Assert.Single(head.UserMetadata, p => p.Key == "camera").Value);

            Assert.Equal(["2026/big.bin", "2026/piped.bin"], await KeysAsync(store, "photos", "2026/"));
            var grouped = store.ListPage("photos", new ListRequest("", "/", null, 1000));
            Assert.Equal(["2025/", "2026/"], grouped.CommonPrefixes);

            await store.DeleteAsync("photos", "2025/small.txt");
            await store.DeleteAsync("photos", "2025/small.txt"); // missing keys delete fine, as in S3
        }

        await using (var reopened = LocalObjectStore.Open(_folder, Options()))
        {
            Assert.Equal(["2026/big.bin", "2026/piped.bin"], await KeysAsync(reopened, "photos", ""));
            Assert.Equal(big, await reopened.GetBytesAsync("photos", "2026/big.bin"));
            Assert.Equal(piped, await reopened.GetBytesAsync("photos", "2026/piped.bin"));
        }
    }

    [Fact]
    public async Task Failures_are_the_named_S3_errors()
    {
        await using var store = LocalObjectStore.Open(_folder, Options());
        Assert.Equal(S3ErrorCode.InvalidBucketName, (await Assert.ThrowsAsync<S3Exception>(() => store.CreateBucketAsync("Not_Valid"))).Code);
        Assert.Equal(S3ErrorCode.NoSuchBucket, (await Assert.ThrowsAsync<S3Exception>(() => store.PutAsync("nobucket", "k", new byte[1]))).Code);
        await store.CreateBucketAsync("bk1");
        Assert.Equal(S3ErrorCode.BucketAlreadyOwnedByYou, (await Assert.ThrowsAsync<S3Exception>(() => store.CreateBucketAsync("bk1"))).Code);
        Assert.Equal(S3ErrorCode.NoSuchKey, Assert.Throws<S3Exception>(() => store.Head("bk1", "missing")).Code);
        Assert.Equal(S3ErrorCode.KeyTooLongError, (await Assert.ThrowsAsync<S3Exception>(() => store.PutAsync("bk1", new string('k', 1025), new byte[1]))).Code);
        var tooMuch = new PutObjectOptions { Metadata = new Dictionary<string, string> { ["big"] = new string('m', 2048) } };
        Assert.Equal(S3ErrorCode.MetadataTooLarge, (await Assert.ThrowsAsync<S3Exception>(() => store.PutAsync("bk1", "k", new byte[1], tooMuch))).Code);

        var first = await store.PutAsync("bk1", "k", "v1"u8.ToArray(), new PutObjectOptions { IfNoneMatch = true });
        Assert.Equal(S3ErrorCode.PreconditionFailed, (await Assert.ThrowsAsync<S3Exception>(() => store.PutAsync("bk1", "k", "v2"u8.ToArray(), new PutObjectOptions { IfNoneMatch = true }))).Code);
        Assert.Equal(S3ErrorCode.PreconditionFailed, (await Assert.ThrowsAsync<S3Exception>(() => store.PutAsync("bk1", "k", "v2"u8.ToArray(), new PutObjectOptions { IfMatch = "\"0000\"" }))).Code);
        await store.PutAsync("bk1", "k", "v3"u8.ToArray(), new PutObjectOptions { IfMatch = first.ETag });
        Assert.Equal("v3"u8.ToArray(), await store.GetBytesAsync("bk1", "k"));

        Assert.Equal(S3ErrorCode.InvalidRange, Assert.Throws<S3Exception>(() => store.OpenRead("bk1", "k", 5, 1)).Code);
        Assert.Equal(S3ErrorCode.BucketNotEmpty, (await Assert.ThrowsAsync<S3Exception>(() => store.DeleteBucketAsync("bk1"))).Code);

        // A failed body (the stream throws half-way) leaves nothing behind.
        await Assert.ThrowsAsync<IOException>(() => store.PutAsync("bk1", "half", new FailingStream(100_000)));
        Assert.Equal(S3ErrorCode.NoSuchKey, Assert.Throws<S3Exception>(() => store.Head("bk1", "half")).Code);
    }

    [Fact]
    public async Task Objects_written_in_process_are_served_over_HTTP_and_back()
    {
        var local = LocalObjectStore.Open(_folder, Options());
        await local.CreateBucketAsync("shared");
        var body = RandomBytes(3, 200_000);
        var written = await local.PutAsync("shared", "in-process", body);

        await using var host = FastS3Host.Start(
            new ServerConfig { ListenAddress = new IPEndPoint(IPAddress.Loopback, 0), AuthFile = null },
            new CredentialStore([new Credential("key", "secret-0123456789")]),
            local.Store); // the host owns and disposes the store
        using var s3 = new AmazonS3Client(new BasicAWSCredentials("key", "secret-0123456789"), new AmazonS3Config { ServiceURL = host.ServiceUrl.ToString(), ForcePathStyle = true, MaxErrorRetry = 0 });

        using (var got = await s3.GetObjectAsync("shared", "in-process"))
        {
            var read = new MemoryStream();
            await got.ResponseStream.CopyToAsync(read);
            Assert.Equal(body, read.ToArray());
            Assert.Equal(written.ETag, got.ETag);
        }

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "shared", Key = "over-http", ContentBody = "from the SDK" });
        Assert.Equal("from the SDK"u8.ToArray(), await local.GetBytesAsync("shared", "over-http"));
    }

    private static EngineOptions Options() => new() { SegmentSizeBytes = 1 << 20, CheckpointInterval = TimeSpan.Zero, CompactionInterval = TimeSpan.Zero };

    private static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task<List<string>> KeysAsync(LocalObjectStore store, string bucket, string prefix)
    {
        var keys = new List<string>();
        await foreach (var info in store.ListAsync(bucket, prefix))
        {
            keys.Add(info.Key);
        }

        return keys;
    }

    /// <summary>Gives <paramref name="failAfter"/> bytes, then fails like a dropped connection.</summary>
    private sealed class FailingStream(int failAfter) : Stream
    {
        private int _given;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _given; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= failAfter)
            {
                throw new IOException("connection reset");
            }

            var n = Math.Min(count, failAfter - _given);
            buffer.AsSpan(offset, n).Fill(7);
            _given += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
