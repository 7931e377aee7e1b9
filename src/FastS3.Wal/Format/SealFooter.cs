using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FastS3.Wal.Format;

/// <summary>
/// Payload of the <see cref="WalRecordType.Seal"/> record, version 1. It lives at a fixed place,
/// the last <see cref="RecordSizeBytes"/> of the file, so recovery can tell a sealed segment
/// (whose every record must validate) from an unsealed tail (which may end torn) without walking
/// the record chain first. The space is reserved from the start: the seal always fits.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct SealFooter
{
    /// <summary>Payload size in bytes.</summary>
    public const int Size = 32;

    /// <summary>Whole record size; the footer starts at segment size minus this.</summary>
    public const int RecordSizeBytes = WalRecordHeader.Size + Size;

    /// <summary>Offset just past the last data record (where the chain walk must end).</summary>
    [FieldOffset(0)] public int ChainEndOffset;

    /// <summary>Number of data records in the segment.</summary>
    [FieldOffset(4)] public int RecordCount;

    /// <summary>LSN of the first data record (0 if none).</summary>
    [FieldOffset(8)] public ulong FirstLsn;

    /// <summary>LSN of the last data record (the header's previous LSN if none).</summary>
    [FieldOffset(16)] public ulong LastLsn;

    // Bytes 24..31 reserved, zero.

    /// <summary>Serializes the payload.</summary>
    public readonly void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteInt32LittleEndian(destination, ChainEndOffset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], RecordCount);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], FirstLsn);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], LastLsn);
    }

    /// <summary>Parses the payload; the caller checks the record CRC first.</summary>
    public static SealFooter Read(ReadOnlySpan<byte> source) => new()
    {
        ChainEndOffset = BinaryPrimitives.ReadInt32LittleEndian(source),
        RecordCount = BinaryPrimitives.ReadInt32LittleEndian(source[4..]),
        FirstLsn = BinaryPrimitives.ReadUInt64LittleEndian(source[8..]),
        LastLsn = BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
    };
}
