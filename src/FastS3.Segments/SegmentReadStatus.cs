namespace FastS3.Segments;

/// <summary>How a segment read ended. Only <see cref="Read"/> and <see cref="Reconstructed"/> filled the destination.</summary>
public enum SegmentReadStatus
{
    /// <summary>Every byte came straight from healthy data shards.</summary>
    Read = 0,

    /// <summary>Every byte is correct, but some blocks were rebuilt from parity; the bad shards went to the healer.</summary>
    Reconstructed,

    /// <summary>No shard of the segment exists in any available directory.</summary>
    NotFound,

    /// <summary>The range reaches past the segment's end; nothing was read.</summary>
    OutOfRange,

    /// <summary>
    /// More than m shards of a block the read needs are lost: the bytes cannot be derived; the destination
    /// holds no meaning (never treat it as data). The caller goes to another copy (cold tier).
    /// </summary>
    TooManyShardsLost,
}
