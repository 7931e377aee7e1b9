using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FastS3.Wal.Format;

/// <summary>
/// The small durable state beside the segments (file <c>wal.meta</c>), version 1: watermarks and
/// the first live segment. Replaced as a whole with the durable-replace recipe (write temp,
/// fsync, rename, fsync directory), so a reader sees the old or the new bytes, never a mix.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct WalMetadata
{
    /// <summary>File size in bytes.</summary>
    public const int Size = 64;

    /// <summary>"F3WM" little-endian.</summary>
    public const uint MagicValue = 0x4D573346;

    /// <summary>Version written by this code.</summary>
    public const ushort CurrentVersion = 1;

    /// <summary>Magic.</summary>
    [FieldOffset(0)] public uint Magic;

    /// <summary>Version.</summary>
    [FieldOffset(4)] public ushort Version;

    /// <summary>Reserved, zero.</summary>
    [FieldOffset(6)] public ushort Reserved0;

    /// <summary>CRC32C over the 64 bytes with this field zeroed.</summary>
    [FieldOffset(8)] public uint Crc32C;

    /// <summary>Reserved, zero.</summary>
    [FieldOffset(12)] public uint Reserved1;

    /// <summary>Orchestrator low-water mark: committed and applied everywhere.</summary>
    [FieldOffset(16)] public ulong LowWaterMarkLsn;

    /// <summary>Highest LSN safely stored in the cold tier; never above <see cref="LowWaterMarkLsn"/>.</summary>
    [FieldOffset(24)] public ulong S3HwmLsn;

    /// <summary>Segments below this id were released; a leftover file with a lower id is garbage.</summary>
    [FieldOffset(32)] public ulong FirstLiveSegmentId;

    /// <summary>Records above this LSN were truncated by the orchestrator (0: none).</summary>
    [FieldOffset(40)] public ulong TruncatedAfterLsn;

    // Bytes 48..63 reserved, zero.

    /// <summary>Serializes with CRC.</summary>
    public readonly void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination, MagicValue);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], CurrentVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], LowWaterMarkLsn);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], S3HwmLsn);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[32..], FirstLiveSegmentId);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[40..], TruncatedAfterLsn);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], WalCrc.Compute(destination[..Size]));
    }

    /// <summary>Parses into locals, checks magic, version and CRC, and only then believes them.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out WalMetadata metadata)
    {
        metadata = default;
        if (source.Length != Size)
        {
            return false;
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(source);
        var version = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
        if (magic != MagicValue || version != CurrentVersion || WalCrc.ComputeWithZeroedField(source, 8) != crc)
        {
            return false;
        }

        metadata = new WalMetadata
        {
            Magic = magic,
            Version = version,
            Crc32C = crc,
            LowWaterMarkLsn = BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
            S3HwmLsn = BinaryPrimitives.ReadUInt64LittleEndian(source[24..]),
            FirstLiveSegmentId = BinaryPrimitives.ReadUInt64LittleEndian(source[32..]),
            TruncatedAfterLsn = BinaryPrimitives.ReadUInt64LittleEndian(source[40..]),
        };
        return true;
    }
}
