namespace FastS3.Segments;

/// <summary>How writing a segment's shards ended.</summary>
public enum SegmentWriteStatus
{
    /// <summary>All k + m shard files are durable (fsynced, renamed, directories fsynced).</summary>
    Written = 0,

    /// <summary>
    /// An I/O error before any shard became visible: temp files were removed and no new shard file
    /// appeared. (A failure after the first rename leaves only complete, CRC-valid shards.)
    /// </summary>
    IoError,

    /// <summary>The source file could not be read.</summary>
    SourceUnreadable,
}
