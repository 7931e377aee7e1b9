using System.Globalization;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FastS3.Auth.Credentials;
using FastS3.Engine;
using FastS3.Server;
using Tomlyn;
using Tomlyn.Model;

namespace FastS3.Tests;

/// <summary>The engine's operating keys (durability, checkpoint interval, compaction) and its figures at <c>GET /_metrics</c>, on a real server.</summary>
public sealed class EngineOperationsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fasts3-ops-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Engine_keys_parse_and_bad_values_name_the_key()
    {
        var parsed = ServerConfig.FromTable(Toml("durability = \"os\"\ncheckpoint_interval_seconds = 5\ncompaction_live_fraction = 0.25"), _root);
        Assert.Equal(("os", 5, 0.25), (parsed.Durability, parsed.CheckpointIntervalSeconds, parsed.CompactionLiveFraction));
        Assert.Equal(0.0, ServerConfig.FromTable(Toml("compaction_live_fraction = 0"), _root).CompactionLiveFraction);
        var defaults = new ServerConfig();
        Assert.Equal(("fsync", 60, 0.5), (defaults.Durability, defaults.CheckpointIntervalSeconds, defaults.CompactionLiveFraction));

        AssertRefused("durability = \"sometimes\"", "key 'durability'");
        AssertRefused("checkpoint_interval_seconds = 0", "key 'checkpoint_interval_seconds'");
        AssertRefused("compaction_live_fraction = 1.5", "key 'compaction_live_fraction'");
        AssertRefused("compaction_live_fraction = \"half\"", "key 'compaction_live_fraction'");
    }

    [Fact]
    public async Task Metrics_show_the_log_and_compaction_releasing_overwritten_space()
    {
        var config = new ServerConfig
        {
            ListenAddress = new IPEndPoint(IPAddress.Loopback, 0),
            AuthFile = null,
            StorageRoot = _root,
            SegmentSizeBytes = 256 << 10,
        };
        await using var host = FastS3Host.Start(config, new CredentialStore([new Credential("key", "secret-0123456789")]));
        using var s3 = new AmazonS3Client(new BasicAWSCredentials("key", "secret-0123456789"), new AmazonS3Config { ServiceURL = host.ServiceUrl.ToString(), ForcePathStyle = true, MaxErrorRetry = 0 });
        using var http = new HttpClient();
        var before = Parse(await http.GetStringAsync(new Uri(host.ServiceUrl, "/_metrics")));
        Assert.Equal(0, before["fasts3_compaction_segments_released_total"]);

        await s3.PutBucketAsync("ops");
        var body = new string('x', 100_000);
        for (var i = 0; i < 30; i++)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "ops", Key = $"k{i % 3}", ContentBody = body + i.ToString(CultureInfo.InvariantCulture) });
        }

        // 3 MB written over 300 KB live outgrows the log's budget: the writes may already have
        // woken the background compactor (back-pressure); this pass releases whatever is left.
        var engine = (EngineObjectStore)host.Store;
        var result = engine.Compact();
        Assert.True(result.Outcome is CompactionOutcome.Released or CompactionOutcome.NotNeeded, result.ToString());

        var after = Parse(await http.GetStringAsync(new Uri(host.ServiceUrl, "/_metrics")));
        Assert.True(after["fasts3_compaction_segments_released_total"] > 0);
        Assert.Equal(engine.GetStatistics().CompactionSegmentsReleased, after["fasts3_compaction_segments_released_total"]);
        Assert.Equal(engine.WriteStalls, after["fasts3_engine_write_stalls_total"]);
        Assert.True(after["fasts3_wal_durable_lsn"] > before["fasts3_wal_durable_lsn"]);
        Assert.True(after["fasts3_wal_low_water_mark"] >= after["fasts3_wal_durable_lsn"]); // standalone: the LWM follows durability (read after it)
        Assert.Equal(0, after["fasts3_engine_pending_entries"]);
        Assert.True(after["fasts3_wal_flushes_total"] > 0);
        Assert.InRange(after["fasts3_engine_live_bytes"], 3 * 100_000, 3 * 100_100);
        Assert.Equal(3, after["fasts3_index_objects"]);
        Assert.True(after["fasts3_wal_bytes"] <= (2 * after["fasts3_engine_live_bytes"]) + (4 * (256 << 10)), "compaction keeps the log near the live bytes");

        // Every object still reads back after its bytes moved.
        for (var k = 0; k < 3; k++)
        {
            using var got = await s3.GetObjectAsync("ops", $"k{k}");
            using var reader = new StreamReader(got.ResponseStream);
            Assert.Equal(body + (27 + k).ToString(CultureInfo.InvariantCulture), await reader.ReadToEndAsync());
        }
    }

    [Fact]
    public void Erasure_health_is_exposed_with_the_rebuild_in_progress()
    {
        var health = new ErasureHealth(Degraded: true, [2], new Segments.RebuildProgress(2, 3, 10, 3 << 20, 10 << 20, 30.0, TimeSpan.FromSeconds(7)), SegmentsHealed: 4, BytesWritten: 5 << 20, PendingDamage: 1, StartupRepairDone: false);
        var values = Parse(MetricsEndpoint.Render(null, health));
        Assert.Equal(1, values["fasts3_erasure_degraded"]);
        Assert.Equal(1, values["fasts3_erasure_unavailable_directories"]);
        Assert.Equal(4, values["fasts3_erasure_segments_healed_total"]);
        Assert.Equal(30.0, values["fasts3_erasure_rebuild_percent"]);
        Assert.Equal(10 << 20, values["fasts3_erasure_rebuild_bytes_total"]);
        Assert.DoesNotContain("fasts3_wal_durable_lsn", values.Keys); // the memory backend has no log
        Assert.Empty(Parse(MetricsEndpoint.Render(null, null)));
    }

    private static Dictionary<string, double> Parse(string exposition)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            values[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }

        return values;
    }

    private void AssertRefused(string toml, string part)
    {
        var error = Assert.Throws<ConfigException>(() => ServerConfig.FromTable(Toml(toml), _root));
        Assert.Contains(part, error.Message, StringComparison.Ordinal);
    }

    private static TomlTable Toml(string text) => TomlSerializer.Deserialize<TomlTable>(text)!;
}
