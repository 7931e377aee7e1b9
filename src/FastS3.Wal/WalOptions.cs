using FastS3.Wal.Format;

namespace FastS3.Wal;

/// <summary>Configuration of a <see cref="WriteAheadLog"/>; every limit has a safe default.</summary>
public sealed class WalOptions
{
    /// <summary>64 MiB: large enough that one seal per segment is noise, small enough to erasure-code and ship as one object.</summary>
    public const int DefaultSegmentSizeBytes = 64 << 20;

    /// <summary>Smallest segment (tests): 16 pages.</summary>
    public const int MinSegmentSizeBytes = 64 << 10;

    /// <summary>Largest segment: offsets are packed into 31 bits of the reservation word.</summary>
    public const int MaxSegmentSizeBytes = 1 << 30;

    /// <summary>Segment file size; a multiple of 4 KiB between the min and max above.</summary>
    public int SegmentSizeBytes { get; init; } = DefaultSegmentSizeBytes;

    /// <summary>Fsync (default) or Os.</summary>
    public Durability Durability { get; init; } = Durability.Fsync;

    /// <summary>Standalone sequencer (default) or external orchestrator LSNs.</summary>
    public WalLsnMode LsnMode { get; init; } = WalLsnMode.Standalone;

    /// <summary>
    /// Standalone sequencing with a low-water mark the caller advances (<see cref="WriteAheadLog.AdvanceLowWaterMark"/>)
    /// instead of one that follows the durable LSN: an engine applying an orchestrator's entries
    /// holds back the records of entries not yet committed, so no sealed segment holding them
    /// reaches the sink (S3_HWM &lt;= LWM). Always on in <see cref="WalLsnMode.External"/>.
    /// </summary>
    public bool HoldLowWaterMark { get; init; }

    /// <summary>
    /// Largest record payload; 0 means everything a segment can hold after its header and footer.
    /// Bigger bodies are split by the caller (prevents one request pinning a whole segment).
    /// </summary>
    public int MaxPayloadBytes { get; init; }

    /// <summary>
    /// Published-but-not-yet-flushed records the log tracks (a power of two). When full, appenders
    /// wait for the flusher: the bound on memory and on how far appends run ahead of durability.
    /// 65,536 slots x 32 bytes = 2 MiB.
    /// </summary>
    public int PublishQueueSlots { get; init; } = 1 << 16;

    /// <summary>Prepare the next segment file on a background thread so a roll does not wait for file creation.</summary>
    public bool PrepareSegmentsAhead { get; init; } = true;

    /// <summary>
    /// When the record chains of sealed segments are verified (CRC of every record). Background
    /// (default): open checks each sealed segment's header and CRC-protected footer only, so
    /// restart time does not grow with the log; a scrubber thread then walks every chain and
    /// reports a bad record by name. OnOpen: open walks every chain and refuses a bad one.
    /// </summary>
    public SealedVerification SealedVerification { get; init; } = SealedVerification.Background;

    /// <summary>Called on the scrubber thread for a sealed segment that fails verification (repair hook).</summary>
    public Action<WalCorruptionException>? SealedSegmentCorrupt { get; init; }

    /// <summary>Time source (segment creation stamps, recovery rates).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Learns of sealed, committed segments in order; called on the flusher thread, must not block.</summary>
    public ISealedSegmentSink? SealedSegmentSink { get; init; }

    /// <summary>
    /// Where offloaded segments are read from (and dropped) once their local files are gone; null
    /// disables offloading (every sealed segment stays local until released).
    /// </summary>
    public ISealedSegmentReader? SealedSegmentReader { get; init; }

    /// <summary>Recovery progress, called every few MiB scanned and at the end.</summary>
    public Action<WalRecoveryProgress>? RecoveryProgress { get; init; }

    /// <summary>Diagnostic lines (recovery decisions, failures); the server routes them to its logger.</summary>
    public Action<string>? Log { get; init; }

    internal int EffectiveMaxPayloadBytes
    {
        get
        {
            var segmentMax = SegmentSizeBytes - SegmentHeader.RecordSizeBytes - SealFooter.RecordSizeBytes - WalRecordHeader.Size;
            segmentMax &= ~(WalRecordHeader.Alignment - 1);
            return MaxPayloadBytes > 0 ? Math.Min(MaxPayloadBytes, segmentMax) : segmentMax;
        }
    }

    internal void Validate()
    {
        if (SegmentSizeBytes is < MinSegmentSizeBytes or > MaxSegmentSizeBytes || SegmentSizeBytes % 4096 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSizeBytes), SegmentSizeBytes, "segment size must be a multiple of 4 KiB in [64 KiB, 1 GiB]");
        }

        if (PublishQueueSlots < 2 || (PublishQueueSlots & (PublishQueueSlots - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PublishQueueSlots), PublishQueueSlots, "must be a power of two >= 2");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxPayloadBytes);
    }
}
