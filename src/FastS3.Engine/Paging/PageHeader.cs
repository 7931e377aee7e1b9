using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace FastS3.Engine.Paging;

/// <summary>
/// The first 32 bytes of every index page. The CRC32C covers the whole page with its own field
/// zeroed; it is stamped when the page is written to the file and checked when it is read back,
/// so a torn or bit-flipped page is a <see cref="PageCorruptionException"/>, never wrong data.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct PageHeader
{
    public const int Size = 32;

    /// <summary>"FS3P" little-endian: a zero page (never written, or lost) fails here first.</summary>
    public const uint ExpectedMagic = 0x50335346;

    public const ushort CurrentFormatVersion = 1;

    private const int CrcOffset = 8;

    [FieldOffset(0)]
    public uint Magic;

    [FieldOffset(4)]
    public ushort FormatVersion;

    [FieldOffset(6)]
    public PageType Type;

    [FieldOffset(7)]
    public byte Reserved0;

    [FieldOffset(8)]
    public uint Crc;

    [FieldOffset(12)]
    public uint Reserved1;

    /// <summary>The page's own id: a page written to the wrong place is caught on read.</summary>
    [FieldOffset(16)]
    public ulong PageId;

    /// <summary>LSN of the last change the writer built this page for.</summary>
    [FieldOffset(24)]
    public ulong PageLsn;

    /// <summary>Writes every field except the CRC (stamped by <see cref="StampCrc"/> at flush time).</summary>
    public static void Initialize(Span<byte> page, PageType type, ulong pageId, ulong pageLsn)
    {
        Debug.Assert(page.Length >= Size);
        page[..Size].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(page, ExpectedMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(page[4..], CurrentFormatVersion);
        page[6] = (byte)type;
        BinaryPrimitives.WriteUInt64LittleEndian(page[16..], pageId);
        BinaryPrimitives.WriteUInt64LittleEndian(page[24..], pageLsn);
    }

    public static PageType ReadType(ReadOnlySpan<byte> page) => (PageType)page[6];

    public static ulong ReadPageId(ReadOnlySpan<byte> page) => BinaryPrimitives.ReadUInt64LittleEndian(page[16..]);

    public static ulong ReadPageLsn(ReadOnlySpan<byte> page) => BinaryPrimitives.ReadUInt64LittleEndian(page[24..]);

    /// <summary>Computes the CRC over the page (field as zero) and stores it in the CRC field.</summary>
    public static void StampCrc(Span<byte> page)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(page[CrcOffset..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(page[CrcOffset..], Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, page));
    }

    /// <summary>
    /// Parses and checks magic, CRC, version and page id of a page read from the file; null if the
    /// page can be believed, else the reason. The source is not modified.
    /// </summary>
    public static string? Check(ReadOnlySpan<byte> page, ulong expectedPageId, out PageHeader header)
    {
        header = default;
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(page);
        if (magic != ExpectedMagic)
        {
            return $"bad magic 0x{magic:X8}";
        }

        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(page[CrcOffset..]);
        Span<byte> zero = stackalloc byte[4];
        zero.Clear();
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        crc.Append(page[..CrcOffset]);
        crc.Append(zero);
        crc.Append(page[(CrcOffset + 4)..]);
        if (crc.GetCurrentHashAsUInt32() != storedCrc)
        {
            return "page CRC32C mismatch";
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(page[4..]);
        if (version != CurrentFormatVersion)
        {
            return $"format version {version}, this build reads {CurrentFormatVersion}";
        }

        var pageId = ReadPageId(page);
        if (pageId != expectedPageId)
        {
            return $"page claims id {pageId}";
        }

        header = new PageHeader
        {
            Magic = magic,
            FormatVersion = version,
            Type = ReadType(page),
            Crc = storedCrc,
            PageId = pageId,
            PageLsn = ReadPageLsn(page),
        };
        return null;
    }
}
