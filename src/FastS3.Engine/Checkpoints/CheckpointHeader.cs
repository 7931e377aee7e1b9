using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace FastS3.Engine.Checkpoints;

/// <summary>
/// The first 64 bytes of a checkpoint: what the body is and how to trust it. Parsed into locals,
/// version and both CRC32Cs checked before any field is believed.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct CheckpointHeader
{
    public const int Size = 64;

    /// <summary>"FS3CKPT" and a zero byte, little-endian.</summary>
    public const ulong ExpectedMagic = 0x0054504B43335346;

    /// <summary>2: objects moved out of the checkpoint into the object tree; the body carries the tree's record and the live bytes per segment.</summary>
    public const ushort CurrentFormatVersion = 3;

    /// <summary>The oldest format this build reads: 2 has no orchestrator section (read as none).</summary>
    public const ushort OldestReadableFormatVersion = 2;

    private const int HeaderCrcOffset = 12;

    [FieldOffset(0)]
    public ulong Magic;

    [FieldOffset(8)]
    public ushort FormatVersion;

    [FieldOffset(10)]
    public ushort Reserved0;

    [FieldOffset(12)]
    public uint HeaderCrc;

    /// <summary>Every commit record with LSN &lt;= this is in the body; replay starts above it (the redo LSN is this + 1).</summary>
    [FieldOffset(16)]
    public ulong AppliedLsn;

    [FieldOffset(24)]
    public ulong BodyLengthBytes;

    [FieldOffset(32)]
    public uint BodyCrc;

    [FieldOffset(36)]
    public uint Reserved1;

    [FieldOffset(40)]
    public long CreatedUnixMs;

    public void Write(Span<byte> destination)
    {
        var span = destination[..Size];
        span.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], AppliedLsn);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], BodyLengthBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(span[32..], BodyCrc);
        BinaryPrimitives.WriteInt64LittleEndian(span[40..], CreatedUnixMs);
        BinaryPrimitives.WriteUInt32LittleEndian(span[HeaderCrcOffset..], Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, span));
    }

    /// <summary>
    /// Fills the header at the start of <paramref name="checkpoint"/> for the body that follows
    /// it (length and CRC32C of <c>checkpoint[Size..]</c>).
    /// </summary>
    public static void WriteFor(Span<byte> checkpoint, ulong appliedLsn, long createdUnixMs)
    {
        var body = checkpoint[Size..];
        new CheckpointHeader
        {
            Magic = ExpectedMagic,
            FormatVersion = CurrentFormatVersion,
            AppliedLsn = appliedLsn,
            BodyLengthBytes = (ulong)body.Length,
            BodyCrc = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, body),
            CreatedUnixMs = createdUnixMs,
        }.Write(checkpoint[..Size]);
    }

    /// <summary>
    /// Parses the header of a whole checkpoint and checks it and the body (length and CRC32C);
    /// null with the reason otherwise.
    /// </summary>
    public static string? TryReadWithBody(ReadOnlySpan<byte> checkpoint, out CheckpointHeader header)
    {
        var problem = TryRead(checkpoint, out header);
        if (problem is not null)
        {
            return problem;
        }

        var body = checkpoint[Size..];
        if (header.BodyLengthBytes != (ulong)body.Length)
        {
            return $"body is {body.Length} bytes, header says {header.BodyLengthBytes}";
        }

        return Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, body) != header.BodyCrc ? "body CRC32C mismatch" : null;
    }

    /// <summary>Parses and checks magic, version and header CRC; null with the reason otherwise.</summary>
    public static string? TryRead(ReadOnlySpan<byte> source, out CheckpointHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return $"{source.Length} bytes, shorter than the {Size}-byte header";
        }

        Span<byte> copy = stackalloc byte[Size];
        source[..Size].CopyTo(copy);
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(copy[HeaderCrcOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(copy[HeaderCrcOffset..], 0);
        var magic = BinaryPrimitives.ReadUInt64LittleEndian(copy);
        var version = BinaryPrimitives.ReadUInt16LittleEndian(copy[8..]);
        if (magic != ExpectedMagic)
        {
            return $"bad magic 0x{magic:X16}";
        }

        if (Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, copy) != storedCrc)
        {
            return "header CRC32C mismatch";
        }

        if (version is < OldestReadableFormatVersion or > CurrentFormatVersion)
        {
            return $"format version {version}, this build reads {OldestReadableFormatVersion} to {CurrentFormatVersion}";
        }

        header = new CheckpointHeader
        {
            Magic = magic,
            FormatVersion = version,
            HeaderCrc = storedCrc,
            AppliedLsn = BinaryPrimitives.ReadUInt64LittleEndian(copy[16..]),
            BodyLengthBytes = BinaryPrimitives.ReadUInt64LittleEndian(copy[24..]),
            BodyCrc = BinaryPrimitives.ReadUInt32LittleEndian(copy[32..]),
            CreatedUnixMs = BinaryPrimitives.ReadInt64LittleEndian(copy[40..]),
        };
        return null;
    }
}
