using System.Buffers.Binary;

namespace FastS3.Wal.Format;

/// <summary>
/// The offload manifest (file <c>wal.offload</c>), version 1: a 32-byte header (magic "F3WO",
/// version, CRC32C over the whole file with the CRC field zeroed, entry count) followed by one
/// <see cref="OffloadEntry"/> per live offloaded segment, ascending by id. Replaced as a whole
/// with the durable-replace recipe, so recovery sees the old or the new list, never a mix.
/// </summary>
/// <remarks>
/// Rewritten once per offloaded (and per released) segment: at 48 bytes an entry, 1 TiB of
/// 64 MiB segments is 16,384 entries = 768 KiB per rewrite, ~1 % of the 64 MiB that caused it.
/// </remarks>
public static class OffloadManifest
{
    /// <summary>Header size in bytes.</summary>
    public const int HeaderSize = 32;

    /// <summary>"F3WO" little-endian.</summary>
    public const uint MagicValue = 0x4F573346;

    /// <summary>Version written by this code.</summary>
    public const ushort CurrentVersion = 1;

    /// <summary>Serializes <paramref name="entries"/> (ascending ids) with header and CRC.</summary>
    public static byte[] Write(IReadOnlyList<OffloadEntry> entries)
    {
        var bytes = new byte[HeaderSize + (entries.Count * OffloadEntry.Size)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, MagicValue);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), CurrentVersion);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            entries[i].Write(bytes.AsSpan(HeaderSize + (i * OffloadEntry.Size)));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), WalCrc.Compute(bytes));
        return bytes;
    }

    /// <summary>Parses into locals, checks magic, version, length, CRC and id order, and only then believes them.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out OffloadEntry[] entries)
    {
        entries = [];
        if (source.Length < HeaderSize)
        {
            return false;
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(source);
        var version = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(source[12..]);
        if (magic != MagicValue || version != CurrentVersion || count < 0
            || (long)source.Length != HeaderSize + ((long)count * OffloadEntry.Size)
            || WalCrc.ComputeWithZeroedField(source, 8) != crc)
        {
            return false;
        }

        var parsed = new OffloadEntry[count];
        for (var i = 0; i < count; i++)
        {
            parsed[i] = OffloadEntry.Read(source[(HeaderSize + (i * OffloadEntry.Size))..]);
            if (i > 0 && parsed[i].SegmentId <= parsed[i - 1].SegmentId)
            {
                return false;
            }
        }

        entries = parsed;
        return true;
    }
}
