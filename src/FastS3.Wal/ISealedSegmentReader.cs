namespace FastS3.Wal;

/// <summary>
/// Where offloaded sealed segments live once their local file is gone (the erasure-coded store):
/// the log reads them through this contract and drops them when they are released. The log never
/// knows how the bytes are kept; implementations must be thread-safe (request threads read,
/// replay reads, a release drops).
/// </summary>
public interface ISealedSegmentReader
{
    /// <summary>
    /// Reads <paramref name="destination"/>.Length bytes of segment <paramref name="segmentId"/> at
    /// byte <paramref name="offset"/> of the original segment file. Only
    /// <see cref="SealedSegmentReadStatus.Ok"/> means the destination holds the bytes.
    /// </summary>
    SealedSegmentReadStatus Read(ulong segmentId, long offset, Span<byte> destination);

    /// <summary>
    /// A cheap check (no data read) that the segment can still be read at all: false when so much
    /// of it is lost that every read would fail. Used to refuse a request before any byte is sent.
    /// </summary>
    bool IsReadable(ulong segmentId);

    /// <summary>The segment was released: remove its copy (best effort; a leftover is listed and dropped at the next open).</summary>
    void Drop(ulong segmentId);

    /// <summary>Ids of the segments held, ascending (recovery drops the ones below the first live segment).</summary>
    IReadOnlyList<ulong> ListSegments();
}
