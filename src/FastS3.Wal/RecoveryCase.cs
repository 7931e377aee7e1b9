namespace FastS3.Wal;

/// <summary>
/// Rows of the recovery decision table (see <c>WriteAheadLog.Recovery.cs</c>, <c>Decide</c>). The
/// first group repairs the tail and opens; the second group throws <see cref="WalCorruptionException"/>.
/// </summary>
public enum RecoveryCase
{
    /// <summary>No segment files: a new log.</summary>
    EmptyLog,

    /// <summary>The tail ends in zeros after its last valid record (clean shutdown or fully flushed).</summary>
    CleanTail,

    /// <summary>The last segment is sealed: a new segment follows it.</summary>
    SealedTail,

    /// <summary>The tail segment's header never reached the disk (all zero): the segment is reset.</summary>
    EmptyTailSegment,

    /// <summary>The tail segment's header is non-zero but invalid (torn): the segment is reset.</summary>
    TailTornHeader,

    /// <summary>A record header in the tail is not a header (bad magic or version): truncated there.</summary>
    TailTornRecord,

    /// <summary>A record in the tail fails its CRC (torn payload, flipped bit): truncated there.</summary>
    TailCrcBad,

    /// <summary>A record in the tail claims more bytes than the segment has: truncated there.</summary>
    TailTruncatedPayload,

    /// <summary>A record in the tail belongs to a previous life of a recycled file: truncated there.</summary>
    TailStaleRecord,

    /// <summary>A record in the tail has an LSN not above its predecessor: truncated there.</summary>
    TailLsnNotMonotonic,

    /// <summary>A sealed segment offloaded to the sealed-segment reader: known from the offload manifest, not scanned.</summary>
    Offloaded,

    /// <summary>Unsealed segments after the tail (written back before the tail's seal): discarded.</summary>
    DiscardedAfterTail,

    /// <summary>A bad record (any reason) inside a sealed segment.</summary>
    SealedBadRecord,

    /// <summary>A sealed segment's header is missing or invalid.</summary>
    SealedBadHeader,

    /// <summary>A segment's footer is non-zero but not a valid seal for it.</summary>
    CorruptFooter,

    /// <summary>The chain of a sealed segment disagrees with its footer, or LSNs go backwards across segments.</summary>
    SealedInconsistent,

    /// <summary>A segment id is missing between live segments, or a sealed segment follows the tail.</summary>
    MissingSegment,
}
