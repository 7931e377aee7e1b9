namespace FastS3.Engine;

/// <summary>A point-in-time view of the engine for metrics: log, recovery, verification, checkpoints and compaction.</summary>
public sealed record EngineStatistics
{
    public required ulong DurableLsn { get; init; }

    public required ulong VisibleLsn { get; init; }

    /// <summary>The log's low-water mark (standalone: the durable LSN).</summary>
    public required ulong LogLowWaterMark { get; init; }

    /// <summary>External LSN mode: the orchestrator's low-water mark (0 standalone).</summary>
    public required ulong OrchestratorLowWaterMark { get; init; }

    /// <summary>External LSN mode: durable entries waiting for the low-water mark.</summary>
    public required int PendingEntries { get; init; }

    public required int LogSegments { get; init; }

    /// <summary>Bytes the log's segments occupy (local or offloaded): what compaction keeps near the live bytes.</summary>
    public required long LogBytes { get; init; }

    /// <summary>Bytes of extents the index references.</summary>
    public required long LiveBytes { get; init; }

    /// <summary>Body writes that waited for compaction (the write stall) since the store opened.</summary>
    public required long WriteStalls { get; init; }

    /// <summary>True while body writes wait for compaction.</summary>
    public required bool WritesStalled { get; init; }

    /// <summary>Objects in the visible index.</summary>
    public required ulong IndexObjects { get; init; }

    /// <summary>Entries of the index tree: objects, uploads in progress and their parts.</summary>
    public required ulong IndexEntries { get; init; }

    /// <summary>Index page pins served from the buffer pool.</summary>
    public required long IndexPoolHits { get; init; }

    /// <summary>Index page pins that read the page file.</summary>
    public required long IndexPoolMisses { get; init; }

    public required long Flushes { get; init; }

    public required long FlushedRecords { get; init; }

    public required int Checkpoints { get; init; }

    public required TimeSpan RecoveryElapsed { get; init; }

    public required long RecoveryRecordsReplayed { get; init; }

    public required long RecoveryBytesReplayed { get; init; }

    public required int ScrubSegmentsToVerify { get; init; }

    public required int ScrubSegmentsVerified { get; init; }

    public required long ScrubBytesVerified { get; init; }

    public required int ScrubCorruptSegments { get; init; }

    public required long CompactionPasses { get; init; }

    public required long CompactionSegmentsReleased { get; init; }

    public required long CompactionExtentsRelocated { get; init; }

    public required long CompactionBytesRelocated { get; init; }
}
