using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FastS3.Wal.Format;

/// <summary>
/// On-disk header of every WAL record, version 1. 32 bytes (half a cache line) so that, with
/// records aligned to 8 bytes, a header never spans two 4 KiB pages unless its record does.
/// Fields are little-endian and are read into locals with <see cref="BinaryPrimitives"/>; the
/// struct documents the layout and is never reinterpreted from raw bytes.
/// </summary>
/// <remarks>
/// The CRC32C covers the header (with the CRC field zeroed) and the payload, which lie contiguous
/// in the segment, so one pass over one span checks a record. <see cref="SegmentId"/> binds a
/// record to one life of one file: a recycled segment file still holds records of its previous
/// life with valid CRCs, and recovery must not believe them (TigerBeetle's journal stamps each
/// reserved header with its slot for the same reason: misdirected or stale writes).
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct WalRecordHeader
{
    /// <summary>Header size in bytes.</summary>
    public const int Size = 32;

    /// <summary>"F3WL" read as a little-endian uint32; zeroed memory is never a header.</summary>
    public const uint MagicValue = 0x4C573346;

    /// <summary>Record format version written by this code.</summary>
    public const byte CurrentVersion = 1;

    /// <summary>Records start on 8-byte boundaries so header fields are naturally aligned.</summary>
    public const int Alignment = 8;

    internal const int MagicOffset = 0;
    internal const int VersionOffset = 4;
    internal const int TypeOffset = 5;
    internal const int FlagsOffset = 6;
    internal const int PayloadLengthOffset = 8;
    internal const int CrcOffset = 12;
    internal const int LsnOffset = 16;
    internal const int SegmentIdOffset = 24;

    /// <summary>Magic number, <see cref="MagicValue"/>.</summary>
    [FieldOffset(MagicOffset)] public uint Magic;

    /// <summary>Format version, <see cref="CurrentVersion"/>.</summary>
    [FieldOffset(VersionOffset)] public byte Version;

    /// <summary>Record type; see <see cref="WalRecordType"/> for the reserved range.</summary>
    [FieldOffset(TypeOffset)] public byte Type;

    /// <summary>Caller-defined flags (the WAL passes them through).</summary>
    [FieldOffset(FlagsOffset)] public ushort Flags;

    /// <summary>Payload bytes following the header (padding to 8 bytes not included).</summary>
    [FieldOffset(PayloadLengthOffset)] public uint PayloadLengthBytes;

    /// <summary>CRC32C over the header with this field zeroed, then the payload.</summary>
    [FieldOffset(CrcOffset)] public uint Crc32C;

    /// <summary>Record LSN (for internal records: see the type's documentation).</summary>
    [FieldOffset(LsnOffset)] public ulong Lsn;

    /// <summary>Id of the segment this record was written into.</summary>
    [FieldOffset(SegmentIdOffset)] public ulong SegmentId;

    /// <summary>Bytes a record with <paramref name="payloadLengthBytes"/> occupies in a segment.</summary>
    public static int RecordSizeBytes(int payloadLengthBytes)
    {
        Debug.Assert(payloadLengthBytes >= 0);
        return (Size + payloadLengthBytes + (Alignment - 1)) & ~(Alignment - 1);
    }

    /// <summary>
    /// Writes the header fields (CRC zero) into <paramref name="destination"/>; the caller copies the
    /// payload after it and then calls <see cref="Seal"/>.
    /// </summary>
    public static void WriteUnsealed(Span<byte> destination, byte type, ushort flags, int payloadLengthBytes, ulong lsn, ulong segmentId)
    {
        Debug.Assert(destination.Length >= Size);
        Debug.Assert(payloadLengthBytes >= 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[MagicOffset..], MagicValue);
        destination[VersionOffset] = CurrentVersion;
        destination[TypeOffset] = type;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[FlagsOffset..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[PayloadLengthOffset..], (uint)payloadLengthBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[CrcOffset..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[LsnOffset..], lsn);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[SegmentIdOffset..], segmentId);
    }

    /// <summary>
    /// Computes the CRC over <paramref name="record"/> (header with CRC zero, then payload) and
    /// stores it. The CRC is written last so a reader that sees it sees a complete record.
    /// </summary>
    public static void Seal(Span<byte> record)
    {
        Debug.Assert(record.Length >= Size);
        Debug.Assert(BinaryPrimitives.ReadUInt32LittleEndian(record[CrcOffset..]) == 0);
        var crc = WalCrc.Compute(record);
        BinaryPrimitives.WriteUInt32LittleEndian(record[CrcOffset..], crc);
    }

    /// <summary>
    /// Parses a header into a struct without judging it. <see cref="Validate"/> decides whether to
    /// believe it.
    /// </summary>
    public static WalRecordHeader Read(ReadOnlySpan<byte> source)
    {
        Debug.Assert(source.Length >= Size);
        return new WalRecordHeader
        {
            Magic = BinaryPrimitives.ReadUInt32LittleEndian(source[MagicOffset..]),
            Version = source[VersionOffset],
            Type = source[TypeOffset],
            Flags = BinaryPrimitives.ReadUInt16LittleEndian(source[FlagsOffset..]),
            PayloadLengthBytes = BinaryPrimitives.ReadUInt32LittleEndian(source[PayloadLengthOffset..]),
            Crc32C = BinaryPrimitives.ReadUInt32LittleEndian(source[CrcOffset..]),
            Lsn = BinaryPrimitives.ReadUInt64LittleEndian(source[LsnOffset..]),
            SegmentId = BinaryPrimitives.ReadUInt64LittleEndian(source[SegmentIdOffset..]),
        };
    }

    /// <summary>
    /// Checks a record that starts at <paramref name="record"/>[0]: magic, version, length bounds
    /// (<paramref name="maxRecordBytes"/> = bytes left before the segment's reserved footer),
    /// segment id and CRC, in that order, so the cheap checks reject zeroed and stale memory first.
    /// </summary>
    public static WalRecordCheck Validate(ReadOnlySpan<byte> record, ulong expectedSegmentId, int maxRecordBytes, out WalRecordHeader header)
    {
        header = default;
        if (maxRecordBytes < Size || record.Length < Size)
        {
            return WalRecordCheck.NoRoom;
        }

        header = Read(record);
        if (header.Magic == 0 && header.Version == 0 && header.PayloadLengthBytes == 0 && header.Crc32C == 0)
        {
            // All-zero: never-written space (fresh segment files are fallocated, which reads as zeros).
            return record[..Size].IndexOfAnyExcept((byte)0) < 0 ? WalRecordCheck.Zero : WalRecordCheck.BadMagic;
        }

        if (header.Magic != MagicValue)
        {
            return WalRecordCheck.BadMagic;
        }

        if (header.Version != CurrentVersion)
        {
            return WalRecordCheck.BadVersion;
        }

        if (header.PayloadLengthBytes > int.MaxValue || RecordSizeBytes((int)header.PayloadLengthBytes) > maxRecordBytes)
        {
            return WalRecordCheck.BadLength;
        }

        if (header.SegmentId != expectedSegmentId)
        {
            return WalRecordCheck.WrongSegment;
        }

        var length = Size + (int)header.PayloadLengthBytes;
        if (record.Length < length)
        {
            return WalRecordCheck.BadLength;
        }

        var crc = WalCrc.ComputeWithZeroedField(record[..length], CrcOffset);
        return crc == header.Crc32C ? WalRecordCheck.Ok : WalRecordCheck.BadCrc;
    }
}
