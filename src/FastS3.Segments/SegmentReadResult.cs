namespace FastS3.Segments;

/// <summary>The outcome of <see cref="ErasureSegmentStore.Read"/>.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="ReconstructedBlocks">Data blocks rebuilt from other shards (0 on the healthy path).</param>
/// <param name="SegmentLengthBytes">The segment's length when known, else -1.</param>
public readonly record struct SegmentReadResult(SegmentReadStatus Status, int ReconstructedBlocks, long SegmentLengthBytes)
{
    /// <summary>The destination holds the requested bytes.</summary>
    public bool IsSuccess => Status is SegmentReadStatus.Read or SegmentReadStatus.Reconstructed;
}
