using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace FastS3.Segments;

/// <summary>
/// The first 64 bytes of a shard file, version 1. After it: one little-endian CRC32C per block
/// (<see cref="BlockCount"/> x 4 bytes), then the shard's bytes. Parsed into locals; magic,
/// version and the header CRC32C are checked before any field is believed.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct ShardFileHeader
{
    /// <summary>One cache line.</summary>
    public const int Size = 64;

    /// <summary>"FS3SHARD" little-endian.</summary>
    public const ulong ExpectedMagic = 0x4452414853335346;

    /// <summary>Format version written by this build.</summary>
    public const ushort CurrentFormatVersion = 1;

    /// <summary>Where the header CRC32C lives; the CRC covers the 64 bytes with this field zero.</summary>
    public const int HeaderCrcOffset = 60;

    /// <summary>"FS3SHARD".</summary>
    [FieldOffset(0)] public ulong Magic;

    /// <summary>Format version.</summary>
    [FieldOffset(8)] public ushort FormatVersion;

    /// <summary>This shard's index: 0..k-1 data, k..k+m-1 parity.</summary>
    [FieldOffset(10)] public byte ShardIndex;

    /// <summary>k.</summary>
    [FieldOffset(11)] public byte DataShards;

    /// <summary>m.</summary>
    [FieldOffset(12)] public byte ParityShards;

    /// <summary>Reserved, zero.</summary>
    [FieldOffset(13)] public byte Reserved0;

    /// <summary>Reserved, zero.</summary>
    [FieldOffset(14)] public ushort Reserved1;

    /// <summary>Bytes per CRC block.</summary>
    [FieldOffset(16)] public int BlockSizeBytes;

    /// <summary>Blocks in this shard: ceil(shard length / block size).</summary>
    [FieldOffset(20)] public int BlockCount;

    /// <summary>The sealed segment's id.</summary>
    [FieldOffset(24)] public ulong SegmentId;

    /// <summary>The sealed segment's length (the data shards hold it, zero-padded at the end).</summary>
    [FieldOffset(32)] public long SegmentLengthBytes;

    /// <summary>Bytes of shard data after the CRC table (equal for every shard of a segment).</summary>
    [FieldOffset(40)] public int ShardLengthBytes;

    // Bytes 44..59 reserved, zero.

    /// <summary>CRC32C of the 64 header bytes with this field zero.</summary>
    [FieldOffset(60)] public uint HeaderCrc;

    /// <summary>Offset of the shard data in the file: header, then the CRC table.</summary>
    public readonly long DataOffsetBytes => Size + (4L * BlockCount);

    /// <summary>File length of a complete shard.</summary>
    public readonly long FileLengthBytes => DataOffsetBytes + ShardLengthBytes;

    /// <summary>Length of block <paramref name="block"/>: the block size, or less for the last one.</summary>
    public readonly int BlockLength(int block) => Math.Min(BlockSizeBytes, ShardLengthBytes - (block * BlockSizeBytes));

    /// <summary>Serializes the header (little-endian, reserved bytes zero) and fills in the header CRC.</summary>
    public readonly void Write(Span<byte> destination)
    {
        var span = destination[..Size];
        span.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], FormatVersion);
        span[10] = ShardIndex;
        span[11] = DataShards;
        span[12] = ParityShards;
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], BlockSizeBytes);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], BlockCount);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], SegmentId);
        BinaryPrimitives.WriteInt64LittleEndian(span[32..], SegmentLengthBytes);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], ShardLengthBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(span[HeaderCrcOffset..], Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, span));
    }

    /// <summary>
    /// Parses <paramref name="source"/> and checks it, in order: length, magic, version, header CRC,
    /// then internal consistency (block count matches lengths). Identity checks against what the
    /// caller expected are <see cref="Check"/>'s job.
    /// </summary>
    public static ShardHeaderCheck TryRead(ReadOnlySpan<byte> source, out ShardFileHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return ShardHeaderCheck.TooShort;
        }

        Span<byte> copy = stackalloc byte[Size];
        source[..Size].CopyTo(copy);
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(copy[HeaderCrcOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(copy[HeaderCrcOffset..], 0);
        var magic = BinaryPrimitives.ReadUInt64LittleEndian(copy);
        var version = BinaryPrimitives.ReadUInt16LittleEndian(copy[8..]);
        if (magic != ExpectedMagic)
        {
            return ShardHeaderCheck.BadMagic;
        }

        // Version before CRC: a later version may checksum a different span, so its CRC says nothing to us.
        if (version != CurrentFormatVersion)
        {
            return ShardHeaderCheck.UnsupportedVersion;
        }

        if (Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, copy) != storedCrc)
        {
            return ShardHeaderCheck.BadHeaderCrc;
        }

        var parsed = new ShardFileHeader
        {
            Magic = magic,
            FormatVersion = version,
            ShardIndex = copy[10],
            DataShards = copy[11],
            ParityShards = copy[12],
            BlockSizeBytes = BinaryPrimitives.ReadInt32LittleEndian(copy[16..]),
            BlockCount = BinaryPrimitives.ReadInt32LittleEndian(copy[20..]),
            SegmentId = BinaryPrimitives.ReadUInt64LittleEndian(copy[24..]),
            SegmentLengthBytes = BinaryPrimitives.ReadInt64LittleEndian(copy[32..]),
            ShardLengthBytes = BinaryPrimitives.ReadInt32LittleEndian(copy[40..]),
            HeaderCrc = storedCrc,
        };

        // A CRC-valid header that contradicts itself was written by a bug, not a disk: still refuse it.
        if (parsed.BlockSizeBytes <= 0 || parsed.ShardLengthBytes < 0 || parsed.SegmentLengthBytes < 0
            || parsed.BlockCount != BlockCountOf(parsed.ShardLengthBytes, parsed.BlockSizeBytes)
            || parsed.DataShards == 0
            || parsed.SegmentLengthBytes > (long)parsed.ShardLengthBytes * parsed.DataShards)
        {
            return ShardHeaderCheck.LayoutMismatch;
        }

        header = parsed;
        return ShardHeaderCheck.Ok;
    }

    /// <summary>Checks a parsed header against the shard the caller opened and the configured layout.</summary>
    public readonly ShardHeaderCheck Check(ulong segmentId, int shardIndex, ErasureLayout layout)
    {
        if (SegmentId != segmentId)
        {
            return ShardHeaderCheck.WrongSegment;
        }

        if (ShardIndex != shardIndex)
        {
            return ShardHeaderCheck.WrongShard;
        }

        return DataShards == layout.DataShards && ParityShards == layout.ParityShards && BlockSizeBytes == layout.BlockSizeBytes
            ? ShardHeaderCheck.Ok
            : ShardHeaderCheck.LayoutMismatch;
    }

    /// <summary>ceil(shard length / block size).</summary>
    public static int BlockCountOf(int shardLengthBytes, int blockSizeBytes) =>
        (int)(((long)shardLengthBytes + blockSizeBytes - 1) / blockSizeBytes);
}
