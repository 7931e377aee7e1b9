using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using FastS3.Auth.Credentials;
using FastS3.Engine;
using FastS3.Server;
using FastS3.Wal.Device;
using Tomlyn;
using Tomlyn.Model;

namespace FastS3.Tests;

/// <summary>
/// The server with erasure coding on (k = 4, m = 2, six data directories, 64 KiB segments so a
/// few dozen objects seal many): objects written through the AWS SDK are offloaded to shards;
/// after a restart with one data directory wiped every object still reads back byte-exact, the
/// log and /_health say degraded and show the rebuild, and the directory's shard files come back.
/// More than m lost directories answer 500 InternalError, never wrong bytes.
/// </summary>
public sealed class ErasureServerTests : IAsyncLifetime
{
    private const string Bucket = "erasure";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fasts3-erasure-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_wiped_data_directory_is_served_from_parity_and_rebuilt_after_restart()
    {
        var config = Config();
        var random = new Random(20261201);
        var objects = Enumerable.Range(0, 40).Select(i => ($"obj/{i:D3}", Body(random, i))).ToList();
        IReadOnlyList<ulong> offloaded;

        await using (var host = Start(config, new CapturingLoggerFactory()))
        {
            using var s3 = Client(host);
            await s3.PutBucketAsync(Bucket);
            foreach (var (key, body) in objects)
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(body) });
            }

            offloaded = WaitAllSealedOffloaded(host, EngineObjectStore.WalDirectoryOf(config.StorageRoot));
            Assert.True(offloaded.Count >= 5, $"only {offloaded.Count} segments offloaded");
            await AssertAllReadExactAsync(s3, objects);
            Assert.Equal("ok", (await HealthAsync(host)).GetProperty("status").GetString());
        }

        var layout = config.ErasureLayout();

        // Directory 4 is there but empty (wiped by hand): its missing files are found at start and healed.
        const int Emptied = 4;
        foreach (var file in Directory.EnumerateFiles(config.DataDirs[Emptied]))
        {
            File.Delete(file);
        }

        var emptiedLog = new CapturingLoggerFactory();
        await using (var host = Start(config, emptiedLog))
        {
            Assert.True(SpinWait.SpinUntil(() => host.ErasureHealth is { StartupRepairDone: true, PendingDamage: 0 }, TimeSpan.FromSeconds(60)), "healing did not finish");
            Assert.True(emptiedLog.Lines.Any(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains($"{offloaded.Count} shard files are missing", StringComparison.Ordinal)), string.Join("\n", emptiedLog.Lines));
            Assert.Contains(emptiedLog.Lines, l => l.Contains("Erasure healing:", StringComparison.Ordinal) && l.Contains("100.0 %", StringComparison.Ordinal) && l.Contains("ETA", StringComparison.Ordinal));
            AssertShardsPresent(layout, offloaded, Emptied);
            using var s3 = Client(host);
            await AssertAllReadExactAsync(s3, objects);
        }

        // Directory 2 is gone (a lost drive): a degraded start, served from parity, rebuilt.
        const int Wiped = 2;
        Directory.Delete(config.DataDirs[Wiped], recursive: true);

        var log = new CapturingLoggerFactory();
        await using (var host = Start(config, log))
        {
            using var s3 = Client(host);
            await AssertAllReadExactAsync(s3, objects); // degraded or mid-rebuild: parity answers

            Assert.True(SpinWait.SpinUntil(() => host.ErasureHealth is { StartupRepairDone: true, PendingDamage: 0 }, TimeSpan.FromSeconds(60)), "rebuild did not finish");
            Assert.Contains(log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("degraded", StringComparison.Ordinal) && l.Contains($"data directory {Wiped}", StringComparison.Ordinal));
            Assert.Contains(log.Lines, l => l.Contains($"rebuild of data directory {Wiped}", StringComparison.Ordinal) && l.Contains("100.0 %", StringComparison.Ordinal) && l.Contains("ETA", StringComparison.Ordinal));
            AssertShardsPresent(layout, offloaded, Wiped);

            var health = await HealthAsync(host);
            Assert.Equal("ok", health.GetProperty("status").GetString());
            var rebuild = health.GetProperty("erasure").GetProperty("rebuild");
            Assert.Equal(Wiped, rebuild.GetProperty("directory").GetInt32());
            Assert.Equal(100.0, rebuild.GetProperty("percent").GetDouble());
            Assert.True(rebuild.GetProperty("bytes_total").GetInt64() > 0);
            await AssertAllReadExactAsync(s3, objects);
        }

        // m + 1 = 3 directories gone: segments cannot be rebuilt; their objects answer 500, never wrong bytes.
        foreach (var lost in new[] { 0, 1, 2 })
        {
            Directory.Delete(config.DataDirs[lost], recursive: true);
        }

        await using (var host = Start(config, new CapturingLoggerFactory()))
        {
            using var s3 = Client(host);
            var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(Bucket, objects[0].Item1));
            Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
            Assert.Equal("InternalError", error.ErrorCode);
            Assert.True(SpinWait.SpinUntil(() => host.ErasureHealth is { StartupRepairDone: true }, TimeSpan.FromSeconds(60)));
            Assert.Equal("degraded", (await HealthAsync(host)).GetProperty("status").GetString());
        }
    }

    [Fact]
    public void Erasure_keys_are_parsed_and_bad_combinations_are_refused_by_name()
    {
        var parsed = ServerConfig.FromTable(Toml("enable_erasure_coding = true\nerasure_data_blocks = 2\nerasure_parity_blocks = 1\ndata_dirs = [\"a\", \"b\", \"c\"]"), _root);
        Assert.True(parsed.EnableErasureCoding);
        Assert.Equal((2, 1), (parsed.ErasureDataBlocks, parsed.ErasureParityBlocks));
        Assert.Equal(Path.Combine(_root, "b"), parsed.DataDirs[1]);
        Assert.False(ServerConfig.FromTable(Toml(string.Empty), _root).EnableErasureCoding);
        Assert.Equal((4, 2), (new ServerConfig().ErasureDataBlocks, new ServerConfig().ErasureParityBlocks));

        AssertRefused("enable_erasure_coding = true\ndata_dirs = [\"a\", \"b\", \"c\"]", "key 'data_dirs'", "need at least 6");
        AssertRefused("enable_erasure_coding = true\nerasure_data_blocks = 200\nerasure_parity_blocks = 60\ndata_dirs = []", "erasure_parity_blocks", "255");
        AssertRefused("enable_erasure_coding = true\nerasure_data_blocks = 0\ndata_dirs = [\"a\"]", "key 'erasure_data_blocks'", "at least 1");
        AssertRefused("enable_erasure_coding = true\nerasure_parity_blocks = \"two\"", "key 'erasure_parity_blocks'", "integer");
        AssertRefused("enable_erasure_coding = true\nerasure_data_blocks = 1\nerasure_parity_blocks = 1\ndata_dirs = [\"a\", \"a\"]", "key 'data_dirs'", "same directory twice");
        AssertRefused("enable_erasure_coding = true\nstorage_backend = \"memory\"", "key 'enable_erasure_coding'", "engine");
        AssertRefused("data_dirs = \"a\"", "key 'data_dirs'", "array of strings");
    }

    private void AssertRefused(string toml, params string[] parts)
    {
        var error = Assert.Throws<ConfigException>(() => ServerConfig.FromTable(Toml(toml), _root));
        foreach (var part in parts)
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }
    }

    private static TomlTable Toml(string text) => TomlSerializer.Deserialize<TomlTable>(text)!;

    private ServerConfig Config() => new()
    {
        ListenAddress = new IPEndPoint(IPAddress.Loopback, 0),
        AuthFile = null,
        StorageBackend = "engine",
        StorageRoot = Path.Combine(_root, "data"),
        EnableErasureCoding = true,
        DataDirs = Enumerable.Range(0, 6).Select(i => Path.Combine(_root, "drive" + i)).ToArray(),
        SegmentSizeBytes = 64 << 10,
    };

    private static FastS3Host Start(ServerConfig config, CapturingLoggerFactory log) =>
        FastS3Host.Start(config, new CredentialStore([new Credential(ServerFixture.AccessKey, ServerFixture.SecretKey)]), loggerFactory: log);

    private static AmazonS3Client Client(FastS3Host host) => new(
        new Amazon.Runtime.BasicAWSCredentials(ServerFixture.AccessKey, ServerFixture.SecretKey),
        new AmazonS3Config { ServiceURL = host.ServiceUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    private static byte[] Body(Random random, int i)
    {
        // 1 B .. 40 KB: several objects per 64 KiB segment, some straddling two.
        var body = new byte[i % 7 == 0 ? random.Next(1, 100) : random.Next(2_000, 40_000)];
        random.NextBytes(body);
        return body;
    }

    private static IReadOnlyList<ulong> WaitAllSealedOffloaded(FastS3Host host, string walDirectory)
    {
        var engine = (EngineObjectStore)host.Store;
        Assert.True(
            SpinWait.SpinUntil(
                () => engine.OffloadedSegmentIds.Count == engine.SegmentIds.Count - 1
                    && !engine.OffloadedSegmentIds.Any(id => File.Exists(Path.Combine(walDirectory, FileWalDevice.SegmentFileName(id)))),
                TimeSpan.FromSeconds(60)),
            $"offloaded {engine.OffloadedSegmentIds.Count} of {engine.SegmentIds.Count - 1} sealed segments");
        return engine.OffloadedSegmentIds;
    }

    private static void AssertShardsPresent(Segments.ErasureLayout layout, IReadOnlyList<ulong> segments, int directory)
    {
        foreach (var id in segments)
        {
            var shard = layout.ShardIndexIn(id, directory);
            Assert.True(File.Exists(layout.ShardPath(id, shard)), $"segment {id} shard {shard} was not restored in directory {directory}");
        }
    }

    private static async Task AssertAllReadExactAsync(AmazonS3Client s3, List<(string Key, byte[] Body)> objects)
    {
        foreach (var (key, body) in objects)
        {
            using var response = await s3.GetObjectAsync(Bucket, key);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy);
            Assert.True(body.AsSpan().SequenceEqual(copy.ToArray()), $"{key} read back different bytes");
        }
    }

    private static async Task<JsonElement> HealthAsync(FastS3Host host)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(host.ServiceUrl, "/_health"));
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
