namespace FastS3.Segments;

/// <summary>How healing one segment ended.</summary>
public enum SegmentHealStatus
{
    /// <summary>Every shard read clean; nothing written.</summary>
    Healthy = 0,

    /// <summary>Every damaged shard was rewritten durably.</summary>
    Healed,

    /// <summary>No shard of the segment exists.</summary>
    NotFound,

    /// <summary>Some block has fewer than k clean shards; nothing written.</summary>
    TooManyShardsLost,

    /// <summary>Rewriting failed; the damaged shards are as they were.</summary>
    IoError,
}
