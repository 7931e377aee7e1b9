namespace FastS3.Segments;

/// <summary>A shard found unusable (whole or in part) and waiting for the healer.</summary>
/// <param name="SegmentId">Segment id.</param>
/// <param name="ShardIndex">Shard index, 0..k+m-1.</param>
/// <param name="Kind">What was wrong.</param>
/// <param name="Detail">Header check result, block index or OS message, for the log.</param>
public readonly record struct ShardDamage(ulong SegmentId, int ShardIndex, ShardDamageKind Kind, string Detail);
