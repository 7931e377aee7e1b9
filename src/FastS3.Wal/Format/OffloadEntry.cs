using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FastS3.Wal.Format;

/// <summary>
/// One offloaded segment in the offload manifest, version 1: everything recovery needs to keep
/// the segment in the log's chain without its file (it is never scanned again).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct OffloadEntry
{
    /// <summary>Entry size in bytes.</summary>
    public const int Size = 48;

    /// <summary>Segment id.</summary>
    [FieldOffset(0)] public ulong SegmentId;

    /// <summary>LSN of the last record before the segment (its header's).</summary>
    [FieldOffset(8)] public ulong PreviousLsn;

    /// <summary>First data record's LSN (0 when none).</summary>
    [FieldOffset(16)] public ulong FirstLsn;

    /// <summary>Last data record's LSN.</summary>
    [FieldOffset(24)] public ulong LastLsn;

    /// <summary>Data records.</summary>
    [FieldOffset(32)] public int RecordCount;

    /// <summary>Offset just past the last data record.</summary>
    [FieldOffset(36)] public int ChainEndOffset;

    /// <summary>The segment file's size.</summary>
    [FieldOffset(40)] public int SizeBytes;

    // Bytes 44..47 reserved, zero.

    /// <summary>Serializes the entry.</summary>
    public readonly void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(destination, SegmentId);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], PreviousLsn);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], FirstLsn);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], LastLsn);
        BinaryPrimitives.WriteInt32LittleEndian(destination[32..], RecordCount);
        BinaryPrimitives.WriteInt32LittleEndian(destination[36..], ChainEndOffset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[40..], SizeBytes);
    }

    /// <summary>Parses an entry; the manifest's CRC was checked first.</summary>
    public static OffloadEntry Read(ReadOnlySpan<byte> source) => new()
    {
        SegmentId = BinaryPrimitives.ReadUInt64LittleEndian(source),
        PreviousLsn = BinaryPrimitives.ReadUInt64LittleEndian(source[8..]),
        FirstLsn = BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
        LastLsn = BinaryPrimitives.ReadUInt64LittleEndian(source[24..]),
        RecordCount = BinaryPrimitives.ReadInt32LittleEndian(source[32..]),
        ChainEndOffset = BinaryPrimitives.ReadInt32LittleEndian(source[36..]),
        SizeBytes = BinaryPrimitives.ReadInt32LittleEndian(source[40..]),
    };
}
