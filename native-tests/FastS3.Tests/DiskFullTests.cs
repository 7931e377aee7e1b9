using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FastS3.Auth.Credentials;
using FastS3.Engine;
using FastS3.Server;

namespace FastS3.Tests;

/// <summary>
/// Disk full on a real volume: the server over the engine on a 24 MiB tmpfs, filled with objects
/// and a ballast file until PUTs fail. A full disk is an operating condition: the PUT gets 507
/// InsufficientStorage, nothing half-written becomes visible, every acknowledged object reads back
/// exact, writes succeed again once space returns (no restart), and a restart keeps it all.
/// </summary>
public sealed class DiskFullTests
{
    private const long VolumeBytes = 24 << 20;
    private const int SegmentBytes = 1 << 20;  // 24 segments would fill the volume: it fills in seconds
    private const int ObjectBytes = 192 << 10; // five objects to a segment, so objects span segment ends
    private const string AccessKey = "diskfull";
    private const string SecretKey = "diskfull-secret-0123456789";

    [TmpfsFact]
    public async Task Full_tmpfs_answers_507_keeps_acknowledged_objects_and_writes_again_once_space_returns()
    {
        using var volume = TmpfsVolume.Mount(VolumeBytes);
        var root = Path.Combine(volume.Path, "data");
        var ballast = Path.Combine(volume.Path, "ballast");
        var acked = new Dictionary<string, byte[]>();
        var bucket = "full";

        await using (var host = StartHost(root))
        {
            using var s3 = Client(host);
            await s3.PutBucketAsync(bucket);
            for (var i = 0; i < 8; i++)
            {
                acked[$"before-{i}"] = await PutAsync(s3, bucket, $"before-{i}", seed: i);
            }

            // Let the log prepare its next segment file, then take every byte left with the ballast:
            // the appends that follow go into space allocated before the volume filled.
            await WaitForSpareSegmentAsync(host, root);
            var ballastBytes = FillWithBallast(ballast);
            Assert.True(ballastBytes > 0, "the ballast took some space");

            string? failedKey = null;
            AmazonS3Exception? failure = null;
            var putsAfterFull = 0;
            for (var i = 0; i < 64 && failedKey is null; i++)
            {
                var key = $"full-{i}";
                try
                {
                    acked[key] = await PutAsync(s3, bucket, key, seed: 100 + i);
                    putsAfterFull++;
                }
                catch (AmazonS3Exception exception)
                {
                    failedKey = key;
                    failure = exception;
                }
            }

            Assert.NotNull(failedKey);
            Assert.Equal((HttpStatusCode)507, failure!.StatusCode);
            Assert.Equal("InsufficientStorage", failure.ErrorCode);
            Assert.True(putsAfterFull >= 1, "a mapped, allocated segment still takes writes on a full volume");

            // Nothing half-written is visible, and the engine serves reads.
            var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, failedKey));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("NoSuchKey", missing.ErrorCode);
            await AssertExactlyAsync(s3, bucket, acked);

            // Space returns: writes succeed again without a restart, across new segments.
            File.Delete(ballast);
            acked[failedKey] = await PutAsync(s3, bucket, failedKey, seed: 1000);
            for (var i = 0; i < 8; i++)
            {
                acked[$"after-{i}"] = await PutAsync(s3, bucket, $"after-{i}", seed: 2000 + i);
            }

            await AssertExactlyAsync(s3, bucket, acked);
        }

        await using (var restarted = StartHost(root))
        {
            using var s3 = Client(restarted);
            await AssertExactlyAsync(s3, bucket, acked);
            acked["after-restart"] = await PutAsync(s3, bucket, "after-restart", seed: 3000);
            await AssertExactlyAsync(s3, bucket, acked);
        }
    }

    private static FastS3Host StartHost(string root)
    {
        var store = EngineObjectStore.Open(root, new EngineOptions { SegmentSizeBytes = SegmentBytes, CheckpointInterval = TimeSpan.Zero });
        return FastS3Host.Start(
            new ServerConfig { ListenAddress = new IPEndPoint(IPAddress.Loopback, 0), AuthFile = null },
            new CredentialStore([new Credential(AccessKey, SecretKey)]),
            store);
    }

    private static AmazonS3Client Client(FastS3Host host) => new(
        new BasicAWSCredentials(AccessKey, SecretKey),
        new AmazonS3Config { ServiceURL = host.ServiceUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    private static async Task<byte[]> PutAsync(AmazonS3Client s3, string bucket, string key, int seed)
    {
        var body = new byte[ObjectBytes];
        new Random(seed).NextBytes(body);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) });
        return body;
    }

    /// <summary>The listing holds exactly the acknowledged keys and each reads back byte for byte.</summary>
    private static async Task AssertExactlyAsync(AmazonS3Client s3, string bucket, Dictionary<string, byte[]> acked)
    {
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(acked.Keys.Order(StringComparer.Ordinal), listed.S3Objects.Select(o => o.Key));
        foreach (var (key, body) in acked)
        {
            using var got = await s3.GetObjectAsync(bucket, key);
            using var bytes = new MemoryStream();
            await got.ResponseStream.CopyToAsync(bytes);
            Assert.True(body.AsSpan().SequenceEqual(bytes.ToArray()), $"{key} reads back exact");
        }
    }

    /// <summary>Waits (bounded) until the WAL directory holds one file more than the live segments: the prepared spare.</summary>
    private static async Task WaitForSpareSegmentAsync(FastS3Host host, string root)
    {
        var engine = (EngineObjectStore)host.Store;
        for (var i = 0; i < 500; i++)
        {
            if (Directory.GetFiles(Path.Combine(root, "wal"), "*.wal").Length > engine.SegmentIds.Count)
            {
                return;
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Writes zeros to <paramref name="path"/> until the volume reports ENOSPC; returns the bytes written.</summary>
    private static long FillWithBallast(string path)
    {
        var chunk = new byte[64 << 10];
        long written = 0;
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (written < VolumeBytes)
            {
                file.Write(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            // ENOSPC: the volume is full.
        }

        return written;
    }
}
