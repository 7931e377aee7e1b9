using FastS3.Wal;
using FastS3.Wal.Device;

namespace FastS3.Engine;

/// <summary>Configuration of an <see cref="EngineObjectStore"/>; every setting has a safe default.</summary>
public sealed class EngineOptions
{
    /// <summary>1 MiB: large enough that the 32-byte record header and 16-byte extent are noise (0.005%), small enough to bound a writer's buffer.</summary>
    public const int DefaultChunkSizeBytes = 1 << 20;

    /// <summary>WAL segment file size (64 MiB default; a multiple of 4 KiB in [64 KiB, 1 GiB]).</summary>
    public int SegmentSizeBytes { get; init; } = WalOptions.DefaultSegmentSizeBytes;

    /// <summary>
    /// Fsync (default): a write is acknowledged after fdatasync/msync covers it. Os: after the copy
    /// into the page cache; checkpoints are then not written (see <see cref="EngineObjectStore.Checkpoint"/>).
    /// </summary>
    public Durability Durability { get; init; } = Durability.Fsync;

    /// <summary>When the log verifies sealed segments: in the background after open (default) or during open.</summary>
    public SealedVerification SealedVerification { get; init; } = SealedVerification.Background;

    /// <summary>How the WAL flushes its mapped segments (file device only).</summary>
    public WalFlushMethod FlushMethod { get; init; } = WalFlushMethod.Msync;

    /// <summary>
    /// Time between index checkpoints; bounds restart time (replay covers at most this much log).
    /// Zero or negative: only on clean close and on <see cref="EngineObjectStore.Checkpoint"/>.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Write a checkpoint on dispose (default) so the next open replays nothing. Tools and tests
    /// turn it off to exercise recovery by replay.
    /// </summary>
    public bool CheckpointOnClose { get; init; } = true;

    /// <summary>Largest body chunk per data record; capped by what one WAL record can hold.</summary>
    public int ChunkSizeBytes { get; init; } = DefaultChunkSizeBytes;

    /// <summary>
    /// Compaction runs while the sealed log's live fraction is below this (0.5 default: the log
    /// stays under about twice the live bytes plus a few segments). 0 turns compaction off.
    /// </summary>
    public double CompactionLiveFraction { get; init; } = 0.5;

    /// <summary>Time between compaction passes; zero or negative: only on <see cref="EngineObjectStore.Compact"/>.</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Oldest segments one pass rewrites at most (bounds the work, and the copy burst, of a pass).</summary>
    public int CompactionMaxSegmentsPerPass { get; init; } = 8;

    /// <summary>
    /// Body writes wait for compaction while the log exceeds this many times its budget (live
    /// bytes / <see cref="CompactionLiveFraction"/> plus four segments). 0 turns the stall off.
    /// Applies only with the background compactor (a positive <see cref="CompactionInterval"/>).
    /// </summary>
    public double CompactionStallRatio { get; init; } = 1.5;

    /// <summary>How long a stalled write waits for compaction before it fails with 503 SlowDown.</summary>
    public TimeSpan CompactionStallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a pass waits for readers of older versions before it defers the release to the next pass.</summary>
    public TimeSpan CompactionReaderGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Memory for the object index's buffer pool (pinned 8 KiB frames, allocated when the store
    /// opens). The tree holds every object's metadata and extents on disk pages; the pool is meant
    /// to hold the hot part of it, so the number of objects is not bounded by this. Default: 1/64
    /// of the machine's memory, between 8 and 256 MiB.
    /// </summary>
    public long IndexBufferPoolBytes { get; init; } = DefaultIndexBufferPoolBytes();

    /// <summary>
    /// Decoded index entries kept for hot reads (a direct-mapped cache, rounded up to a power of
    /// two): a GET whose entry is cached allocates nothing. Each costs its metadata (~0.5 KiB).
    /// </summary>
    public int ObjectCacheEntries { get; init; } = 1 << 16;

    /// <summary>Time source: bucket creation dates, part and upload timestamps, checkpoint stamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Receives sealed segments (erasure coder, cold-tier shipper); passed to the WAL.</summary>
    public ISealedSegmentSink? SealedSegmentSink { get; init; }

    /// <summary>
    /// Where offloaded sealed segments are read from once the sink has stored them (the
    /// erasure-coded store); passed to the WAL. Null keeps every segment local.
    /// </summary>
    public ISealedSegmentReader? SealedSegmentReader { get; init; }

    /// <summary>Recovery progress: records, bytes, percent and rate while the index is rebuilt.</summary>
    public Action<EngineRecoveryProgress>? RecoveryProgress { get; init; }

    /// <summary>
    /// Who assigns LSNs: the engine (standalone, default) or an orchestrator, through the ingest
    /// API (<see cref="EngineObjectStore.BeginIngestPut"/>, <see cref="EngineObjectStore.AdvanceLowWaterMarkAsync"/>,
    /// <see cref="EngineObjectStore.TruncateSuffixAsync"/>); client writes are then refused. A store
    /// that has taken entries only opens in external mode.
    /// </summary>
    public WalLsnMode LsnMode { get; init; } = WalLsnMode.Standalone;

    /// <summary>Diagnostic lines (recovery summary, checkpoint failures); the server routes them to its logger.</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkSizeBytes, 4096);

        // One day: an interval longer than that bounds nothing, and the wait takes int milliseconds.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CheckpointInterval, TimeSpan.FromDays(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CompactionInterval, TimeSpan.FromDays(1));
        if (CompactionLiveFraction is < 0 or >= 1 || double.IsNaN(CompactionLiveFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(CompactionLiveFraction), CompactionLiveFraction, "must be in [0, 1)");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(CompactionMaxSegmentsPerPass, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(IndexBufferPoolBytes, 64L << 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(ObjectCacheEntries, 1);
        if (CompactionStallRatio != 0 && !(CompactionStallRatio >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(CompactionStallRatio), CompactionStallRatio, "must be 0 (off) or at least 1");
        }
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ObjectCacheEntries, 1 << 26);
    }

    private static long DefaultIndexBufferPoolBytes() =>
        Math.Clamp(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 64, 8L << 20, 256L << 20);
}
