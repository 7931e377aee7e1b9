namespace FastS3.Wal;

/// <summary>
/// Expected outcomes of WAL operations, returned as values; only bugs and broken invariants throw.
/// The server maps <see cref="DiskFull"/> to 507 and <see cref="IoError"/>/<see cref="Closed"/> to 503.
/// </summary>
public enum WalStatus
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>No space to create the next segment or metadata file. The log is unchanged.</summary>
    DiskFull,

    /// <summary>
    /// A write or flush failed. After a failed flush the log refuses all further work until it is
    /// reopened (recovery then reads what really reached the disk); see <see cref="WriteAheadLog"/>.
    /// </summary>
    IoError,

    /// <summary>The log was disposed.</summary>
    Closed,

    /// <summary>Payload larger than <see cref="WriteAheadLog.MaxPayloadBytes"/>; split it.</summary>
    PayloadTooLarge,

    /// <summary>Type 0 or a type in the WAL's reserved range.</summary>
    InvalidRecordType,

    /// <summary>External mode: the LSN is not above the last appended LSN (duplicate or out of order).</summary>
    LsnNotIncreasing,

    /// <summary>The operation needs the other LSN mode (e.g. Append without LSN in external mode).</summary>
    WrongLsnMode,

    /// <summary>A truncation or watermark would go below the low-water mark.</summary>
    BelowLowWaterMark,

    /// <summary>A watermark would move backwards or past what bounds it (LWM &lt;= durable, S3 HWM &lt;= LWM).</summary>
    WatermarkOutOfRange,

    /// <summary>The location names a segment that is not (or no longer) in the log, or is out of bounds.</summary>
    NotFound,

    /// <summary>
    /// The segment was offloaded: no mapping to lease; <see cref="WriteAheadLog.Read"/> copies its
    /// bytes from the <see cref="WalOptions.SealedSegmentReader"/> instead.
    /// </summary>
    Offloaded,

    /// <summary>An offloaded segment's bytes cannot be derived any more (too many shards lost); never wrong bytes.</summary>
    Unrecoverable,
}
