using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using FastS3.Engine.Paging;

namespace FastS3.Engine.Index;

/// <summary>
/// The durable record of one index checkpoint: a 64-byte header (root page, applied LSN, page
/// count, entry count, free-page count, both CRC32Cs) and the free page ids as u64s. Written with
/// the durable-replace recipe after the pages it names are fsynced; parsed into locals, magic,
/// header CRC, version and body CRC checked before any field is believed.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = HeaderSize)]
internal struct IndexCheckpointRecord
{
    public const int HeaderSize = 64;

    /// <summary>"FS3INDX" and a zero byte, little-endian.</summary>
    public const ulong ExpectedMagic = 0x0058444E49335346;

    public const ushort CurrentFormatVersion = 1;

    private const int HeaderCrcOffset = 12;

    [FieldOffset(0)]
    public ulong Magic;

    [FieldOffset(8)]
    public ushort FormatVersion;

    [FieldOffset(10)]
    public ushort Reserved0;

    [FieldOffset(12)]
    public uint HeaderCrc;

    [FieldOffset(16)]
    public ulong RootPageId;

    /// <summary>Every commit with LSN &lt;= this is in the tree; replay starts above it.</summary>
    [FieldOffset(24)]
    public ulong AppliedLsn;

    /// <summary>Pages [1, PageCount) are allocated or free; later ones do not exist yet.</summary>
    [FieldOffset(32)]
    public ulong PageCount;

    [FieldOffset(40)]
    public ulong EntryCount;

    [FieldOffset(48)]
    public uint FreePageCount;

    [FieldOffset(52)]
    public uint BodyCrc;

    [FieldOffset(56)]
    public ulong Reserved1;

    public static byte[] Write(ulong rootPageId, ulong appliedLsn, ulong pageCount, ulong entryCount, IReadOnlyCollection<ulong> freePages)
    {
        var bytes = new byte[HeaderSize + (8 * freePages.Count)];
        var body = bytes.AsSpan(HeaderSize);
        var offset = 0;
        foreach (var page in freePages)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(body[offset..], page);
            offset += 8;
        }

        var span = bytes.AsSpan(0, HeaderSize);
        BinaryPrimitives.WriteUInt64LittleEndian(span, ExpectedMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], CurrentFormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], rootPageId);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], appliedLsn);
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], pageCount);
        BinaryPrimitives.WriteUInt64LittleEndian(span[40..], entryCount);
        BinaryPrimitives.WriteUInt32LittleEndian(span[48..], (uint)freePages.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(span[52..], Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, body));
        BinaryPrimitives.WriteUInt32LittleEndian(span[HeaderCrcOffset..], Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, span));
        return bytes;
    }

    /// <summary>Parses a record and its free-page body; null bytes (no checkpoint yet) give the empty tree.</summary>
    /// <exception cref="PageCorruptionException">The record fails a check (reported as page 0).</exception>
    public static (IndexCheckpointRecord Header, ulong[] FreePages) Read(byte[]? bytes)
    {
        if (bytes is null)
        {
            return (new IndexCheckpointRecord { Magic = ExpectedMagic, FormatVersion = CurrentFormatVersion, PageCount = 1 }, []);
        }

        if (bytes.Length < HeaderSize)
        {
            throw Corrupt($"{bytes.Length} bytes, shorter than the {HeaderSize}-byte header");
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        bytes.AsSpan(0, HeaderSize).CopyTo(header);
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[HeaderCrcOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderCrcOffset..], 0);
        var magic = BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (magic != ExpectedMagic)
        {
            throw Corrupt($"bad magic 0x{magic:X16}");
        }

        if (Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, header) != storedCrc)
        {
            throw Corrupt("header CRC32C mismatch");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != CurrentFormatVersion)
        {
            throw Corrupt($"format version {version}, this build reads {CurrentFormatVersion}");
        }

        var freeCount = BinaryPrimitives.ReadUInt32LittleEndian(header[48..]);
        var body = bytes.AsSpan(HeaderSize);
        if ((ulong)body.Length != 8UL * freeCount
            || Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, body) != BinaryPrimitives.ReadUInt32LittleEndian(header[52..]))
        {
            throw Corrupt("free-page list length or CRC32C mismatch");
        }

        var free = new ulong[freeCount];
        for (var i = 0; i < free.Length; i++)
        {
            free[i] = BinaryPrimitives.ReadUInt64LittleEndian(body[(8 * i)..]);
        }

        var record = new IndexCheckpointRecord
        {
            Magic = magic,
            FormatVersion = version,
            HeaderCrc = storedCrc,
            RootPageId = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
            AppliedLsn = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]),
            PageCount = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]),
            EntryCount = BinaryPrimitives.ReadUInt64LittleEndian(header[40..]),
            FreePageCount = freeCount,
            BodyCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[52..]),
        };
        return (record, free);
    }

    private static PageCorruptionException Corrupt(string detail) => new(0, "checkpoint record: " + detail);
}
