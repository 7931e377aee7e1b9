namespace FastS3.Engine;

/// <summary>How a compaction pass ended.</summary>
public enum CompactionOutcome
{
    /// <summary>Segments were rewritten and released.</summary>
    Released,

    /// <summary>The log is dense enough (live fraction at or above the threshold), or too short to compact.</summary>
    NotNeeded,

    /// <summary>Durability.Os: without checkpoints the log cannot be cut, so it is not compacted.</summary>
    Disabled,

    /// <summary>Live data was moved, but an in-flight upload, a slow reader or a new reference keeps the segments for now; a later pass releases them.</summary>
    Deferred,

    /// <summary>The log refused the copies (disk full, I/O error, closing); nothing was released and nothing is lost.</summary>
    Failed,
}
