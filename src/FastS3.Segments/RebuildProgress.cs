namespace FastS3.Segments;

/// <summary>Progress of rebuilding one data directory.</summary>
/// <param name="DirectoryIndex">The directory being rebuilt.</param>
/// <param name="SegmentsDone">Segments handled so far.</param>
/// <param name="SegmentsTotal">Segments with a shard in this directory.</param>
/// <param name="BytesDone">Shard bytes handled so far.</param>
/// <param name="BytesTotal">Shard bytes to handle.</param>
/// <param name="Percent">BytesDone / BytesTotal x 100 (100 when there is nothing to do).</param>
/// <param name="Eta">Remaining time at the rate so far; null before the first segment finishes.</param>
public readonly record struct RebuildProgress(
    int DirectoryIndex, int SegmentsDone, int SegmentsTotal, long BytesDone, long BytesTotal, double Percent, TimeSpan? Eta);
