using System.Globalization;
using System.Text;
using FastS3.Engine;
using FastS3.Http;
using FastS3.Segments;

namespace FastS3.Server;

/// <summary>
/// <c>GET /_metrics</c> in front of the application: the engine's log, recovery, background
/// verification, checkpoint and compaction figures, and the erasure store's health, in the
/// Prometheus text exposition format (version 0.0.4). Unauthenticated like <c>/_health</c>, and for
/// the same reason it cannot shadow S3: bucket names have no underscore. Rendered on request from
/// counters the engine keeps anyway; nothing is collected in the background.
/// </summary>
public sealed class MetricsEndpoint(IHttpApplication inner, Func<EngineStatistics?> engine, Func<ErasureHealth?> erasure) : IHttpApplication
{
    /// <inheritdoc />
    public ValueTask ProcessRequestAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.KnownMethod != RequestMethod.Get || !request.Path.SequenceEqual("/_metrics"u8))
        {
            return inner.ProcessRequestAsync(context);
        }

        var body = Encoding.UTF8.GetBytes(Render(engine(), erasure()));
        var response = context.Response;
        response.Start(200);
        response.Header("Content-Type"u8, "text/plain; version=0.0.4; charset=utf-8"u8);
        response.Header("Cache-Control"u8, "no-store"u8);
        response.EndHeaders(body.Length);
        response.WriteBody(body);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void WriteRejection(HttpResponse response, BadHttpRequestException rejection) => inner.WriteRejection(response, rejection);

    // The figures, as data: name, type, help, and how to read the value from a snapshot.
    private static readonly Metric<EngineStatistics>[] EngineMetrics =
    [
        new("fasts3_wal_durable_lsn", "gauge", "Every log record at or below this LSN is durable.", e => e.DurableLsn),
        new("fasts3_engine_visible_lsn", "gauge", "LSN of the last commit visible to readers.", e => e.VisibleLsn),
        new("fasts3_wal_low_water_mark", "gauge", "Log records at or below this LSN are committed for good (may go to the erasure coder and the cold tier).", e => e.LogLowWaterMark),
        new("fasts3_engine_orchestrator_lwm", "gauge", "External LSN mode: the orchestrator's low-water mark (its own LSNs).", e => e.OrchestratorLowWaterMark),
        new("fasts3_engine_pending_entries", "gauge", "External LSN mode: durable orchestrator entries above its low-water mark.", e => e.PendingEntries),
        new("fasts3_wal_segments", "gauge", "Log segments (local or erasure-coded).", e => e.LogSegments),
        new("fasts3_wal_bytes", "gauge", "Bytes the log's segments occupy.", e => e.LogBytes),
        new("fasts3_engine_live_bytes", "gauge", "Bytes of object and part data the index references.", e => e.LiveBytes),
        new("fasts3_engine_write_stalls_total", "counter", "Body writes that waited for compaction to catch up.", e => e.WriteStalls),
        new("fasts3_engine_writes_stalled", "gauge", "1 while body writes wait for compaction.", e => e.WritesStalled ? 1 : 0),
        new("fasts3_index_objects", "gauge", "Objects in the visible index.", e => (long)e.IndexObjects),
        new("fasts3_index_entries", "gauge", "B+tree entries of the visible index: objects, uploads in progress and their parts.", e => (long)e.IndexEntries),
        new("fasts3_index_pool_hits_total", "counter", "Index page pins served from the buffer pool.", e => e.IndexPoolHits),
        new("fasts3_index_pool_misses_total", "counter", "Index page pins that read the page file.", e => e.IndexPoolMisses),
        new("fasts3_wal_flushes_total", "counter", "Group commits (msync/fdatasync) since start.", e => e.Flushes),
        new("fasts3_wal_flushed_records_total", "counter", "Records made durable by those flushes.", e => e.FlushedRecords),
        new("fasts3_engine_checkpoints_total", "counter", "Index checkpoints written since start.", e => e.Checkpoints),
        new("fasts3_engine_recovery_seconds", "gauge", "Time the last open spent loading the checkpoint and replaying the log.", e => e.RecoveryElapsed.TotalSeconds),
        new("fasts3_engine_recovery_records_replayed", "gauge", "Log records the last open replayed after the checkpoint.", e => e.RecoveryRecordsReplayed),
        new("fasts3_engine_recovery_bytes_replayed", "gauge", "Payload bytes the last open replayed after the checkpoint.", e => e.RecoveryBytesReplayed),
        new("fasts3_wal_scrub_segments_to_verify", "gauge", "Sealed segments accepted at open on their footer, to be verified in the background.", e => e.ScrubSegmentsToVerify),
        new("fasts3_wal_scrub_segments_verified", "gauge", "Of those, segments verified so far.", e => e.ScrubSegmentsVerified),
        new("fasts3_wal_scrub_bytes_verified", "gauge", "Record-chain bytes verified so far.", e => e.ScrubBytesVerified),
        new("fasts3_wal_scrub_corrupt_segments", "gauge", "Sealed segments that failed verification.", e => e.ScrubCorruptSegments),
        new("fasts3_compaction_passes_total", "counter", "Compaction passes that rewrote or released segments.", e => e.CompactionPasses),
        new("fasts3_compaction_segments_released_total", "counter", "Log segments given back by compaction.", e => e.CompactionSegmentsReleased),
        new("fasts3_compaction_extents_relocated_total", "counter", "Extents copied to the head of the log by compaction.", e => e.CompactionExtentsRelocated),
        new("fasts3_compaction_bytes_relocated_total", "counter", "Bytes copied by compaction (its write amplification).", e => e.CompactionBytesRelocated),
    ];

    private static readonly Metric<ErasureHealth>[] ErasureMetrics =
    [
        new("fasts3_erasure_degraded", "gauge", "1 while some data directory is missing or being rebuilt (reads come from parity).", h => h.Degraded ? 1 : 0),
        new("fasts3_erasure_unavailable_directories", "gauge", "Data directories that are down.", h => h.UnavailableDirectories.Count),
        new("fasts3_erasure_segments_healed_total", "counter", "Segments whose damaged shards were rewritten.", h => h.SegmentsHealed),
        new("fasts3_erasure_bytes_rewritten_total", "counter", "Shard bytes rewritten by healing and rebuilds.", h => h.BytesWritten),
        new("fasts3_erasure_pending_damage", "gauge", "Damaged shards waiting for the healer.", h => h.PendingDamage),
    ];

    private static readonly Metric<RebuildProgress>[] RebuildMetrics =
    [
        new("fasts3_erasure_rebuild_bytes_done", "gauge", "Bytes of the latest directory rebuild done.", r => r.BytesDone),
        new("fasts3_erasure_rebuild_bytes_total", "gauge", "Bytes the latest directory rebuild has to write.", r => r.BytesTotal),
        new("fasts3_erasure_rebuild_percent", "gauge", "Progress of the latest directory rebuild.", r => r.Percent),
    ];

    /// <summary>The exposition text (engine null: the memory backend; erasure null: erasure coding off).</summary>
    public static string Render(EngineStatistics? engine, ErasureHealth? erasure)
    {
        var text = new StringBuilder(4096);
        if (engine is not null)
        {
            Append(text, EngineMetrics, engine);
        }

        if (erasure is not null)
        {
            Append(text, ErasureMetrics, erasure);
            if (erasure.Rebuild is { } rebuild)
            {
                Append(text, RebuildMetrics, rebuild);
            }
        }

        return text.ToString();
    }

    private static void Append<T>(StringBuilder text, Metric<T>[] metrics, T source)
    {
        foreach (var metric in metrics)
        {
            text.Append("# HELP ").Append(metric.Name).Append(' ').Append(metric.Help).Append('\n');
            text.Append("# TYPE ").Append(metric.Name).Append(' ').Append(metric.Type).Append('\n');
            text.Append(metric.Name).Append(' ').Append(metric.Value(source).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private sealed record Metric<T>(string Name, string Type, string Help, Func<T, double> Value);
}
