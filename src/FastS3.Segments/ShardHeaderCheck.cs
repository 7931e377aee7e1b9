namespace FastS3.Segments;

/// <summary>Why a shard file's header was or was not believed; one row of the open decision table.</summary>
public enum ShardHeaderCheck
{
    /// <summary>Magic, version and CRC32C good; segment id, shard index and layout as expected.</summary>
    Ok = 0,

    /// <summary>Fewer than <see cref="ShardFileHeader.Size"/> bytes: a torn or truncated file.</summary>
    TooShort,

    /// <summary>Not a shard file (magic mismatch).</summary>
    BadMagic,

    /// <summary>The header CRC32C does not match: a bit flip in the first 64 bytes.</summary>
    BadHeaderCrc,

    /// <summary>A format version this build cannot read.</summary>
    UnsupportedVersion,

    /// <summary>A valid header of another segment (a misplaced or misnamed file).</summary>
    WrongSegment,

    /// <summary>A valid header of another shard index of this segment.</summary>
    WrongShard,

    /// <summary>k, m, block size or lengths disagree with the configured layout or the segment's other shards.</summary>
    LayoutMismatch,
}
