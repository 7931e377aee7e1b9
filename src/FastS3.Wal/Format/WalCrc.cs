using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;

namespace FastS3.Wal.Format;

/// <summary>CRC32C (Castagnoli) as used by every WAL structure.</summary>
internal static class WalCrc
{
    // One incremental hasher per thread: validation runs per record during recovery and replay,
    // and an allocation per record would dominate a 64 MiB scan of 4 KiB records (16K objects).
    [ThreadStatic]
    private static Crc32? _incremental;

    public static uint Compute(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);

    /// <summary>
    /// CRC of <paramref name="data"/> as if the 4 bytes at <paramref name="fieldOffset"/> were zero,
    /// without writing to the (possibly read-only, possibly shared) source.
    /// </summary>
    public static uint ComputeWithZeroedField(ReadOnlySpan<byte> data, int fieldOffset)
    {
        Debug.Assert(fieldOffset + 4 <= data.Length);
        Span<byte> head = stackalloc byte[WalRecordHeader.Size];
        var headLength = Math.Min(data.Length, head.Length);
        Debug.Assert(fieldOffset + 4 <= headLength);
        data[..headLength].CopyTo(head);
        BinaryPrimitives.WriteUInt32LittleEndian(head[fieldOffset..], 0);
        var crc = _incremental ??= new Crc32(Crc32ParameterSet.Crc32C);
        crc.Reset();
        crc.Append(head[..headLength]);
        crc.Append(data[headLength..]);
        return crc.GetCurrentHashAsUInt32();
    }
}
