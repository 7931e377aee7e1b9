namespace FastS3.Segments;

/// <summary>What was wrong with a shard when a read or scan found it unusable.</summary>
public enum ShardDamageKind
{
    /// <summary>No file.</summary>
    Missing = 0,

    /// <summary>The shard's directory was missing or unreadable when the store opened.</summary>
    DirectoryUnavailable,

    /// <summary>The header failed a check (<see cref="ShardHeaderCheck"/>).</summary>
    BadHeader,

    /// <summary>The file ends before its last block.</summary>
    Truncated,

    /// <summary>A block's bytes do not match its CRC32C.</summary>
    BlockCrc,

    /// <summary>The operating system failed the read.</summary>
    IoError,
}
