using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FastS3.Wal.Format;

/// <summary>
/// Payload of the <see cref="WalRecordType.SegmentHeader"/> record at offset 0 of every segment,
/// version 1. The record's own LSN field carries <see cref="PreviousLsn"/> too, so a scan can
/// check LSN monotonicity from the first record on.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct SegmentHeader
{
    /// <summary>Payload size in bytes (reserved tail included for later versions).</summary>
    public const int Size = 64;

    /// <summary>Whole record (header + payload) size; data records start here.</summary>
    public const int RecordSizeBytes = WalRecordHeader.Size + Size;

    /// <summary>Segment format version written by this code.</summary>
    public const ushort CurrentFormatVersion = 1;

    /// <summary>Segment format version.</summary>
    [FieldOffset(0)] public ushort FormatVersion;

    /// <summary>0 = standalone sequencer, 1 = external orchestrator LSNs.</summary>
    [FieldOffset(2)] public byte LsnMode;

    /// <summary>Reserved, zero.</summary>
    [FieldOffset(3)] public byte Reserved0;

    /// <summary>File size this segment was created with.</summary>
    [FieldOffset(4)] public int SegmentSizeBytes;

    /// <summary>Segment id (also in the file name and in every record header).</summary>
    [FieldOffset(8)] public ulong SegmentId;

    /// <summary>LSN of the last record before this segment (0 for the first segment of a log).</summary>
    [FieldOffset(16)] public ulong PreviousLsn;

    /// <summary>Creation time, Unix milliseconds (from the log's TimeProvider).</summary>
    [FieldOffset(24)] public long CreatedUnixMs;

    /// <summary>Process id of the creator, for post-mortems.</summary>
    [FieldOffset(32)] public int CreatorProcessId;

    // Bytes 36..63 reserved, zero.

    /// <summary>Serializes the payload (little-endian, reserved bytes zero).</summary>
    public readonly void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(destination, FormatVersion);
        destination[2] = LsnMode;
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], SegmentSizeBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], SegmentId);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], PreviousLsn);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], CreatedUnixMs);
        BinaryPrimitives.WriteInt32LittleEndian(destination[32..], CreatorProcessId);
    }

    /// <summary>Parses the payload into a struct; the caller checks the record CRC first.</summary>
    public static SegmentHeader Read(ReadOnlySpan<byte> source) => new()
    {
        FormatVersion = BinaryPrimitives.ReadUInt16LittleEndian(source),
        LsnMode = source[2],
        SegmentSizeBytes = BinaryPrimitives.ReadInt32LittleEndian(source[4..]),
        SegmentId = BinaryPrimitives.ReadUInt64LittleEndian(source[8..]),
        PreviousLsn = BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
        CreatedUnixMs = BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
        CreatorProcessId = BinaryPrimitives.ReadInt32LittleEndian(source[32..]),
    };
}
