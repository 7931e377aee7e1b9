namespace FastS3.Wal.Format;

/// <summary>
/// Record type byte. The engine owns 1..<see cref="LastEngineType"/>; the WAL reserves
/// <see cref="FirstInternalType"/>..255 for its own structures, and 0 is never a type so that
/// zeroed memory never parses as a record.
/// </summary>
public static class WalRecordType
{
    /// <summary>Highest type the engine may use.</summary>
    public const byte LastEngineType = 0xEF;

    /// <summary>First type reserved for the WAL itself.</summary>
    public const byte FirstInternalType = 0xF0;

    /// <summary>Segment header at offset 0; its LSN field is the last LSN before this segment.</summary>
    public const byte SegmentHeader = 0xF0;

    /// <summary>Seal footer in the last <see cref="SealFooter.RecordSizeBytes"/> of a sealed segment.</summary>
    public const byte Seal = 0xF1;

    /// <summary>True for types the engine may append.</summary>
    public static bool IsEngineType(byte type) => type is > 0 and <= LastEngineType;
}
