namespace FastS3.Engine;

/// <summary>What one compaction pass did.</summary>
/// <param name="Outcome">Why the pass ended.</param>
/// <param name="SegmentsRewritten">Oldest segments whose live extents were copied to the head of the log.</param>
/// <param name="ExtentsRelocated">Extents copied (and repointed in the index).</param>
/// <param name="BytesRelocated">Payload bytes copied.</param>
/// <param name="ReleasedThroughSegmentId">Every segment with an id at or below this is gone from disk (0: none released).</param>
/// <param name="SegmentsReleased">Segment files given back by this pass.</param>
/// <param name="Elapsed">Wall time of the pass.</param>
public readonly record struct CompactionResult(
    CompactionOutcome Outcome,
    int SegmentsRewritten,
    long ExtentsRelocated,
    long BytesRelocated,
    ulong ReleasedThroughSegmentId,
    int SegmentsReleased,
    TimeSpan Elapsed);
