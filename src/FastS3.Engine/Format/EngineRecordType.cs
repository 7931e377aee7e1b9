namespace FastS3.Engine.Format;

/// <summary>
/// WAL record types the engine writes (the WAL reserves 0 and 0xF0-0xFF). Values are on disk:
/// never renumber, only add.
/// </summary>
internal static class EngineRecordType
{
    /// <summary>A chunk of an object or part body; meaningless until a commit record names its location.</summary>
    public const byte Data = 1;

    public const byte CreateBucket = 2;

    public const byte DeleteBucket = 3;

    /// <summary>An object becomes the key's current version: metadata plus its data extents.</summary>
    public const byte PutObject = 4;

    public const byte DeleteObject = 5;

    public const byte CreateUpload = 6;

    public const byte PutPart = 7;

    /// <summary>The upload ends and its listed parts' extents become the object (no data copied).</summary>
    public const byte CompleteUpload = 8;

    public const byte AbortUpload = 9;

    /// <summary>Compaction moved some extents of an object or part to new data records (same bytes).</summary>
    public const byte RelocateExtents = 10;

    /// <summary>External LSN mode: an orchestrator entry (one of the records above, with its LSN), pending until the low-water mark passes it.</summary>
    public const byte Ingested = 11;

    /// <summary>External LSN mode: the orchestrator's low-water mark moved; the pending entries it passes apply, in LSN order.</summary>
    public const byte LowWaterMark = 12;

    /// <summary>External LSN mode: the orchestrator dropped its entries above an LSN; the pending ones are undone (a compensation record).</summary>
    public const byte TruncateSuffix = 13;

    /// <summary>External LSN mode, inside an entry only: a Complete that names its parts by number and ETag; their extents are resolved when it applies.</summary>
    public const byte CompleteUploadParts = 14;

    /// <summary>First byte of every commit record payload; bump when a layout changes.</summary>
    public const byte FormatVersion = 1;
}
