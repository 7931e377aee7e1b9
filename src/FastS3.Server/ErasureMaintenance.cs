using System.Globalization;
using FastS3.Segments;
using Microsoft.Extensions.Logging;

namespace FastS3.Server;

/// <summary>
/// The erasure-coded store's background work, on one dedicated low-priority thread (a heal reads
/// k + m shards and fsyncs the rewritten ones: never on a request thread): at start, rebuild every
/// data directory that was missing or unreadable (a replaced drive) and queue shard files missing
/// from present ones; then heal, one segment at a time, whatever the read path reports damaged.
/// Progress (bytes, percent, ETA) goes to the log and to <see cref="Snapshot"/> for the health
/// endpoint. Bounded: one segment's shards in memory at a time; stops on dispose.
/// </summary>
public sealed class ErasureMaintenance : IProgress<RebuildProgress>, IDisposable
{
    // Log progress at most once per 2 s (and always at the end): a rebuild of 16,384 segments
    // would otherwise write 16,384 lines.
    private static readonly TimeSpan ProgressLogInterval = TimeSpan.FromSeconds(2);

    private readonly ErasureSegmentStore _store;
    private readonly Healer _healer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;
    private readonly Func<int>? _retryCoding;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private long _lastProgressLog;
    private int _healingRemaining; // segments taken from the damage queue and not yet healed
    private ErasureHealth _health;

    /// <summary>Starts the maintenance thread.</summary>
    /// <param name="store">The store to keep whole.</param>
    /// <param name="logger">Where progress and failures go.</param>
    /// <param name="pollInterval">How often the damage queue is looked at when nobody wakes the thread (1 s default).</param>
    /// <param name="timeProvider">Clock for ETAs and log pacing.</param>
    /// <param name="retryCoding">Re-queues segments whose coding failed (a directory was down); called while the store is whole. Returns how many.</param>
    public ErasureMaintenance(ErasureSegmentStore store, ILogger logger, TimeSpan? pollInterval = null, TimeProvider? timeProvider = null, Func<int>? retryCoding = null)
    {
        _retryCoding = retryCoding;
        _store = store;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
        _healer = new Healer(store, _time);
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(1);
        _health = new ErasureHealth(store.IsDegraded, store.UnavailableDirectories, null, 0, 0, 0, StartupRepairDone: false);
        _thread = new Thread(Run) { IsBackground = true, Name = "fasts3-erasure-healer", Priority = ThreadPriority.BelowNormal };
        _thread.Start();
    }

    /// <summary>What the health endpoint shows: degraded mode, rebuild progress, healing counts.</summary>
    public ErasureHealth Snapshot => Volatile.Read(ref _health) with { PendingDamage = _store.Damage.Count + Volatile.Read(ref _healingRemaining) };

    /// <summary>Heal now instead of at the next poll.</summary>
    public void Wake() => _wake.Set();

    /// <summary>Receives the healer's rebuild progress (on this class's thread).</summary>
    public void Report(RebuildProgress value)
    {
        Update(h => h with { Rebuild = value });
        if (ShouldLog(value.SegmentsDone == value.SegmentsTotal))
        {
            _logger.LogInformation(
                "Erasure rebuild of data directory {Directory} ({Path}): {Done}/{Total} segments, {BytesDone}/{BytesTotal} bytes, {Percent:F1} %, ETA {Eta}",
                value.DirectoryIndex, _store.Layout.DataDirectories[value.DirectoryIndex], value.SegmentsDone, value.SegmentsTotal, value.BytesDone, value.BytesTotal, value.Percent, FormatEta(value.Eta));
        }
    }

    /// <summary>Stops the thread after the segment it is working on.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _wake.Set();
        _thread.Join();
        _stop.Dispose();
        _wake.Dispose();
    }

    private void Run()
    {
        var token = _stop.Token;
        try
        {
            RepairAtStart(token);
            Update(h => h with { StartupRepairDone = true });
            while (!token.IsCancellationRequested)
            {
                HealPending(token);
                if (!_store.IsDegraded && _retryCoding?.Invoke() is > 0 and var retried)
                {
                    _logger.LogInformation("Erasure coding: {Segments} segments that failed while a data directory was down are queued again", retried);
                }

                _wake.Wait(_pollInterval, token);
                _wake.Reset();
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the segment in hand was finished or left as it was (heals replace files atomically).
        }
    }

    private void RepairAtStart(CancellationToken token)
    {
        var rebuildFailed = false;
        foreach (var directory in _store.UnavailableDirectories)
        {
            _logger.LogWarning(
                "Erasure store degraded: data directory {Directory} ({Path}) is missing or unreadable; every object is still served from the other shards. Rebuilding it.",
                directory, _store.Layout.DataDirectories[directory]);
            Update(h => h with { Degraded = true, Rebuilding = true });
            var result = _healer.RebuildDirectoryAsync(directory, this, token).GetAwaiter().GetResult();
            if (result.IsSuccess)
            {
                _logger.LogInformation("Erasure rebuild of data directory {Directory} done: {Segments} segments, {Bytes} bytes written", directory, result.SegmentsRebuilt, result.BytesWritten);
            }
            else
            {
                _logger.LogError("Erasure rebuild of data directory {Directory}: {Failed} segments could not be rebuilt ({Error})", directory, result.SegmentsFailed, result.Error ?? "too many shards lost or I/O errors");
                rebuildFailed = true;
            }

            Update(h => h with { SegmentsHealed = h.SegmentsHealed + result.SegmentsRebuilt, BytesWritten = h.BytesWritten + result.BytesWritten });
        }

        // Present directories that lost files (wiped by hand, restored from an old backup): queue what is missing.
        var layout = _store.Layout;
        var missing = 0;
        foreach (var segmentId in _store.ListSegments())
        {
            token.ThrowIfCancellationRequested();
            for (var shard = 0; shard < layout.TotalShards; shard++)
            {
                if (!File.Exists(layout.ShardPath(segmentId, shard)))
                {
                    // Counted even when a read reported it first: the log line tells what start-up found.
                    _ = _store.Damage.Report(new ShardDamage(segmentId, shard, ShardDamageKind.Missing, "missing at start"));
                    missing++;
                }
            }
        }

        if (missing > 0)
        {
            _logger.LogWarning("Erasure store: {Missing} shard files are missing; healing them in the background", missing);
        }

        // A rebuild that could not restore every segment leaves the store degraded: some reads fail.
        Update(h => h with { Degraded = _store.IsDegraded || rebuildFailed, UnavailableDirectories = _store.UnavailableDirectories, Rebuilding = false });
    }

    private void HealPending(CancellationToken token)
    {
        // Count the work as pending before it leaves the queue, so PendingDamage never reads 0 in between.
        Volatile.Write(ref _healingRemaining, _store.Damage.Count);
        var segments = new SortedSet<ulong>();
        while (_store.Damage.TryDequeue(out var damage))
        {
            segments.Add(damage.SegmentId);
        }

        if (segments.Count == 0)
        {
            Volatile.Write(ref _healingRemaining, 0);
            return;
        }

        Volatile.Write(ref _healingRemaining, segments.Count);
        var started = _time.GetTimestamp();
        var done = 0;
        long bytes = 0;
        foreach (var segmentId in segments)
        {
            token.ThrowIfCancellationRequested();
            var result = _healer.HealSegment(segmentId);
            done++;
            bytes += result.BytesWritten;
            switch (result.Status)
            {
                case SegmentHealStatus.Healed:
                    Update(h => h with { SegmentsHealed = h.SegmentsHealed + 1, BytesWritten = h.BytesWritten + result.BytesWritten });
                    break;
                case SegmentHealStatus.TooManyShardsLost or SegmentHealStatus.IoError:
                    _logger.LogError("Erasure heal of segment {Segment}: {Status} {Error}", segmentId, result.Status, result.Error);
                    break;
            }

            if (ShouldLog(done == segments.Count))
            {
                var elapsed = _time.GetElapsedTime(started);
                var eta = TimeSpan.FromTicks(elapsed.Ticks / done * (segments.Count - done));
                _logger.LogInformation(
                    "Erasure healing: {Done}/{Total} segments, {Bytes} bytes rewritten, {Percent:F1} %, ETA {Eta}",
                    done, segments.Count, bytes, 100.0 * done / segments.Count, FormatEta(eta));
            }

            // Last: a watcher that sees no pending damage also sees the progress line above.
            Volatile.Write(ref _healingRemaining, segments.Count - done);
        }
    }

    private bool ShouldLog(bool final)
    {
        var now = _time.GetTimestamp();
        if (!final && _time.GetElapsedTime(Volatile.Read(ref _lastProgressLog), now) < ProgressLogInterval)
        {
            return false;
        }

        Volatile.Write(ref _lastProgressLog, now);
        return true;
    }

    private void Update(Func<ErasureHealth, ErasureHealth> change)
    {
        // One writer (this thread): a plain read-modify-publish suffices; readers see whole snapshots.
        Volatile.Write(ref _health, change(Volatile.Read(ref _health)));
    }

    private static string FormatEta(TimeSpan? eta) =>
        eta is { } e ? e.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s" : "unknown";
}
