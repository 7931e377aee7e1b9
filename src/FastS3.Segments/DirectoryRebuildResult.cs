namespace FastS3.Segments;

/// <summary>The outcome of rebuilding a data directory.</summary>
/// <param name="SegmentsRebuilt">Segments whose shard in the directory is now good (rewritten or already healthy).</param>
/// <param name="SegmentsFailed">Segments that could not be healed (too many losses or an I/O error).</param>
/// <param name="BytesWritten">Shard data bytes written.</param>
/// <param name="Error">Why the directory itself could not be recreated; null otherwise.</param>
public readonly record struct DirectoryRebuildResult(int SegmentsRebuilt, int SegmentsFailed, long BytesWritten, string? Error)
{
    /// <summary>Every segment is whole again.</summary>
    public bool IsSuccess => SegmentsFailed == 0 && Error is null;
}
