namespace FastS3.Wal;

/// <summary>
/// The log as a sealed-segment consumer sees it: a consumer that has stored a segment durably
/// elsewhere reports it here, and the log may then drop its local file.
/// </summary>
public interface ISegmentOffloadTarget
{
    /// <summary>
    /// Segment <paramref name="segmentId"/> is durably held by the log's
    /// <see cref="WalOptions.SealedSegmentReader"/>: record that durably, then remove the local
    /// file. Ok when done or already offloaded; <see cref="WalStatus.NotFound"/> for a segment that
    /// is not a live, announced, sealed one; an I/O status when the manifest could not be written
    /// (the segment stays local and is still served).
    /// </summary>
    WalStatus OffloadSegment(ulong segmentId);
}
