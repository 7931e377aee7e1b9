namespace FastS3.Segments;

/// <summary>The outcome of writing a segment's shards.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Error">The OS message when not written.</param>
/// <param name="ShardLengthBytes">Bytes of data per shard.</param>
public readonly record struct SegmentWriteResult(SegmentWriteStatus Status, string? Error, int ShardLengthBytes)
{
    /// <summary>All shards are durable.</summary>
    public bool IsSuccess => Status == SegmentWriteStatus.Written;
}
