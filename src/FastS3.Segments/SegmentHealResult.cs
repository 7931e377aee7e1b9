namespace FastS3.Segments;

/// <summary>The outcome of healing one segment.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="ShardsRewritten">Shard files rewritten.</param>
/// <param name="BytesWritten">Shard data bytes rewritten.</param>
/// <param name="Error">The OS message on <see cref="SegmentHealStatus.IoError"/>.</param>
public readonly record struct SegmentHealResult(SegmentHealStatus Status, int ShardsRewritten, long BytesWritten, string? Error);
