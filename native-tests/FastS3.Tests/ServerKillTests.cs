using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace FastS3.Tests;

/// <summary>
/// The real thing: the fasts3 executable on the engine backend, under concurrent PUT load from
/// the AWS SDK, killed with SIGKILL at a random instant, restarted on the same folder, and
/// checked: every acknowledged PUT is readable with its exact bytes, and any other object that
/// exists is whole (its bytes are exactly what its key says they should be). A bounded number of
/// cycles; the seed is printed so a failure can be replayed.
/// </summary>
public sealed class ServerKillTests
{
    /// <summary>8 cycles in the default suite (about 15 s); FASTS3_KILL_CYCLES=200 for a long campaign.</summary>
    private static readonly int Cycles = int.TryParse(Environment.GetEnvironmentVariable("FASTS3_KILL_CYCLES"), out var n) && n > 0 ? n : 8;
    private const string Key = "killkey";
    private const string Secret = "killsecret0123456789";

    [Fact]
    public async Task Kill_9_under_load_loses_no_acknowledged_write_and_shows_no_partial_object()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var root = Path.Combine(Path.GetTempPath(), "fasts3-kill-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var creds = Path.Combine(root, "creds.txt");
        await File.WriteAllTextAsync(creds, $"{Key}:{Secret}\n");
        var config = Path.Combine(root, "config.toml");
        await File.WriteAllTextAsync(config, $"auth_file = \"{creds}\"\nstorage_backend = \"engine\"\nstorage_root = \"{Path.Combine(root, "data")}\"\n");
        var acknowledged = new ConcurrentDictionary<string, byte>();
        try
        {
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                var port = FreePort();
                using var server = StartServer(config, port);
                using var s3 = Client(port);
                await WaitUntilUpAsync(s3);
                if (cycle == 0)
                {
                    await s3.PutBucketAsync("killtest");
                }

                await VerifyAsync(s3, acknowledged, seed);

                // Load: 4 writers of 1-300 KiB objects until the kill.
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, 4).Select(w => WriteUntilKilledAsync(s3, $"c{cycle}-w{w}", acknowledged, stop.Token)).ToArray();
                await Task.Delay(random.Next(300, 1500));
                server.Kill(entireProcessTree: true); // SIGKILL: no shutdown path runs
                await server.WaitForExitAsync();
                stop.Cancel();
                await Task.WhenAll(writers);
            }

            var lastPort = FreePort();
            using var final = StartServer(config, lastPort);
            using var client = Client(lastPort);
            await WaitUntilUpAsync(client);
            var checkedCount = await VerifyAsync(client, acknowledged, seed);
            Assert.True(!acknowledged.IsEmpty, $"no write was acknowledged in {Cycles} cycles (seed {seed})");
            Assert.True(checkedCount >= acknowledged.Count, $"seed {seed}");
            final.Kill(entireProcessTree: true);
            await final.WaitForExitAsync();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Deterministic content from the key, so any object found can be checked for wholeness.</summary>
    private static byte[] ContentFor(string key)
    {
        var size = 1024 + (Math.Abs(key.GetHashCode(StringComparison.Ordinal)) % (300 * 1024));
        var data = new byte[size];
        var block = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        for (var i = 0; i < size; i++)
        {
            data[i] = (byte)(block[i % block.Length] ^ (i >> 5));
        }

        return data;
    }

    private static async Task WriteUntilKilledAsync(AmazonS3Client s3, string prefix, ConcurrentDictionary<string, byte> acknowledged, CancellationToken stop)
    {
        for (var i = 0; i < 10_000 && !stop.IsCancellationRequested; i++)
        {
            var key = $"{prefix}-{i}";
            try
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = "killtest", Key = key, InputStream = new MemoryStream(ContentFor(key)) }, CancellationToken.None); // never cancelled: only the kill ends a write
                acknowledged[key] = 0;
            }
            catch (Exception)
            {
                return; // the server died mid-request: this write was never acknowledged
            }
        }
    }

    private static async Task<int> VerifyAsync(AmazonS3Client s3, ConcurrentDictionary<string, byte> acknowledged, int seed)
    {
        var present = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "killtest", ContinuationToken = token });
            present.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        foreach (var key in acknowledged.Keys)
        {
            Assert.True(present.Contains(key), $"acknowledged write {key} is missing after restart (seed {seed})");
        }

        foreach (var key in present)
        {
            using var get = await s3.GetObjectAsync("killtest", key);
            using var ms = new MemoryStream();
            await get.ResponseStream.CopyToAsync(ms);
            Assert.True(ContentFor(key).AsSpan().SequenceEqual(ms.ToArray()), $"object {key} is not whole after restart (seed {seed})");
        }

        return present.Count;
    }

    private static Process StartServer(string config, int port)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "fasts3.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(config);
        info.ArgumentList.Add("-l");
        info.ArgumentList.Add($"127.0.0.1:{port}");
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static AmazonS3Client Client(int port) => new(
        new BasicAWSCredentials(Key, Secret),
        new AmazonS3Config { ServiceURL = $"http://127.0.0.1:{port}", ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(30) });

    private static async Task WaitUntilUpAsync(AmazonS3Client s3)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                await s3.ListBucketsAsync();
                return;
            }
            catch (Exception) when (i < 299)
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
