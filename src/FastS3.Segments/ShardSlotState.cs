namespace FastS3.Segments;

/// <summary>Whether a shard of an open segment has been looked at, and what was found.</summary>
internal enum ShardSlotState
{
    Unopened = 0,
    Open,
    Lost,
}
