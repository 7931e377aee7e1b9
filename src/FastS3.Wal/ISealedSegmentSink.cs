namespace FastS3.Wal;

/// <summary>
/// The contract for whoever consumes sealed segments (erasure coder, cold-tier shipper). The log
/// calls it on its flusher thread, once per segment, in segment order, after the seal is durable
/// and the segment's last LSN is at or below the low-water mark (so an orchestrator truncation can
/// never reach a segment a consumer has seen). Implementations enqueue and return: a slow sink
/// delays group commit.
/// </summary>
public interface ISealedSegmentSink
{
    /// <summary>Segment <paramref name="segment"/> is sealed and committed.</summary>
    void OnSegmentSealed(SealedSegmentInfo segment);

    /// <summary>
    /// Called once when a log opens, before any <see cref="OnSegmentSealed"/>: a consumer that
    /// keeps segments durably (and so lets the log drop its files) reports to <paramref name="log"/>.
    /// </summary>
    void OnLogOpened(ISegmentOffloadTarget log)
    {
    }
}
