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

    /// <summary>Diagnostic lines (recovery summary, checkpoint failures); the server routes them to its logger.</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkSizeBytes, 4096);

        // One day: an interval longer than that bounds nothing, and the wait takes int milliseconds.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CheckpointInterval, TimeSpan.FromDays(1));
    }
}
