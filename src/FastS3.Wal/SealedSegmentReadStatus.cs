namespace FastS3.Wal;

/// <summary>How a read of an offloaded segment ended.</summary>
public enum SealedSegmentReadStatus
{
    /// <summary>The destination holds the bytes (possibly rebuilt from redundancy).</summary>
    Ok = 0,

    /// <summary>The segment is not held at all.</summary>
    NotFound,

    /// <summary>The range lies outside the segment.</summary>
    OutOfRange,

    /// <summary>Too much of the segment is lost to derive the bytes; the destination means nothing.</summary>
    Unrecoverable,
}
