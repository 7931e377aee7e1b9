using System.Buffers.Binary;
using System.Diagnostics;
using FastS3.Engine.Paging;

namespace FastS3.Engine.Index;

/// <summary>
/// Reads the slotted layout shared by leaf and branch pages. After the 32-byte
/// <see cref="PageHeader"/>: cell count (u16, offset 32), start of the cell area (u16, 34), the
/// leftmost child of a branch (u64, 40), then a u16 slot (cell offset) per cell from offset 48
/// in key order, while cells grow down from the end of the page.
/// Leaf cell: key length u16, value kind u8, value length u32, key, then the value (inline) or
/// the first overflow page id u64. Branch cell: key length u16, child page id u64, key; the
/// child holds keys &gt;= the cell's key (and &lt; the next cell's), the leftmost child the rest.
/// </summary>
internal static class NodePage
{
    public const int CountOffset = PageHeader.Size;
    public const int CellStartOffset = PageHeader.Size + 2;
    public const int LeftmostOffset = PageHeader.Size + 8;
    public const int SlotsOffset = PageHeader.Size + 16;

    /// <summary>Bytes for slots and cells: 8144.</summary>
    public const int CapacityBytes = PageFile.PageSizeBytes - SlotsOffset;

    public const int LeafCellHeaderBytes = 7;
    public const int BranchCellHeaderBytes = 10;

    /// <summary>
    /// S3 keys are at most 1024 bytes of UTF-8 (AWS "Creating object key names"); the index key
    /// adds the bucket name (at most 63) and a separator, with headroom.
    /// </summary>
    public const int MaxKeyBytes = 1280;

    /// <summary>
    /// A leaf cell holding its value inline is at most this big, so a leaf holds at least 4 of
    /// them (4 x 2002 &lt;= 8144) and a split of a full leaf plus one more cell always fits in two.
    /// Larger values go to an overflow chain and the cell keeps an 8-byte pointer.
    /// </summary>
    public const int MaxLeafCellBytes = 2000;

    public const byte InlineValue = 0;
    public const byte OverflowValue = 1;

    public static int Count(ReadOnlySpan<byte> page) => BinaryPrimitives.ReadUInt16LittleEndian(page[CountOffset..]);

    public static int FreeBytes(ReadOnlySpan<byte> page) =>
        BinaryPrimitives.ReadUInt16LittleEndian(page[CellStartOffset..]) - SlotsOffset - (2 * Count(page));

    public static ulong Leftmost(ReadOnlySpan<byte> page) => BinaryPrimitives.ReadUInt64LittleEndian(page[LeftmostOffset..]);

    public static bool IsLeaf(ReadOnlySpan<byte> page) => PageHeader.ReadType(page) == PageType.Leaf;

    /// <summary>The bytes of cell <paramref name="index"/> (header, key and value or pointer).</summary>
    public static ReadOnlySpan<byte> Cell(ReadOnlySpan<byte> page, int index)
    {
        var offset = CellOffset(page, index);
        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(page[offset..]);
        int length;
        if (IsLeaf(page))
        {
            length = LeafCellHeaderBytes + keyLength + (page[offset + 2] == InlineValue
                ? (int)BinaryPrimitives.ReadUInt32LittleEndian(page[(offset + 3)..])
                : sizeof(ulong));
        }
        else
        {
            length = BranchCellHeaderBytes + keyLength;
        }

        return page.Slice(offset, length);
    }

    public static ReadOnlySpan<byte> Key(ReadOnlySpan<byte> page, int index)
    {
        var offset = CellOffset(page, index);
        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(page[offset..]);
        var header = IsLeaf(page) ? LeafCellHeaderBytes : BranchCellHeaderBytes;
        return page.Slice(offset + header, keyLength);
    }

    /// <summary>Child <paramref name="childIndex"/> of a branch: 0 is the leftmost, i is cell i-1's.</summary>
    public static ulong Child(ReadOnlySpan<byte> page, int childIndex)
    {
        Debug.Assert(!IsLeaf(page));
        return childIndex == 0
            ? Leftmost(page)
            : BinaryPrimitives.ReadUInt64LittleEndian(page[(CellOffset(page, childIndex - 1) + 2)..]);
    }

    /// <summary>Index of the first cell whose key is &gt;= <paramref name="key"/> (ordinal bytes: S3 list order); <paramref name="found"/> if equal.</summary>
    public static int LowerBound(ReadOnlySpan<byte> page, ReadOnlySpan<byte> key, out bool found)
    {
        int low = 0, high = Count(page);
        while (low < high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            if (Key(page, middle).SequenceCompareTo(key) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        found = low < Count(page) && Key(page, low).SequenceEqual(key);
        return low;
    }

    /// <summary>The child of a branch whose range holds <paramref name="key"/>: the number of separators &lt;= key.</summary>
    public static int ChildIndex(ReadOnlySpan<byte> page, ReadOnlySpan<byte> key)
    {
        var index = LowerBound(page, key, out var found);
        return found ? index + 1 : index;
    }

    /// <summary>A leaf cell's value: kind, total length and the inline bytes or first overflow page.</summary>
    public static LeafValue Value(ReadOnlySpan<byte> page, int index)
    {
        Debug.Assert(IsLeaf(page));
        var offset = CellOffset(page, index);
        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(page[offset..]);
        var kind = page[offset + 2];
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(page[(offset + 3)..]);
        var body = offset + LeafCellHeaderBytes + keyLength;
        return kind == InlineValue
            ? new LeafValue(kind, length, page.Slice(body, length), 0)
            : new LeafValue(kind, length, default, BinaryPrimitives.ReadUInt64LittleEndian(page[body..]));
    }

    /// <summary>Size of a leaf cell for a key and a value stored inline, or with an overflow pointer when that is too big.</summary>
    public static int LeafCellBytes(int keyLength, int valueLength, out bool inline)
    {
        inline = LeafCellHeaderBytes + keyLength + valueLength <= MaxLeafCellBytes;
        return LeafCellHeaderBytes + keyLength + (inline ? valueLength : sizeof(ulong));
    }

    public static int WriteLeafCell(Span<byte> destination, ReadOnlySpan<byte> key, ReadOnlySpan<byte> inlineValue, int valueLength, ulong firstOverflowPage)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)key.Length);
        destination[2] = firstOverflowPage == 0 ? InlineValue : OverflowValue;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[3..], (uint)valueLength);
        key.CopyTo(destination[LeafCellHeaderBytes..]);
        var body = destination[(LeafCellHeaderBytes + key.Length)..];
        if (firstOverflowPage == 0)
        {
            inlineValue.CopyTo(body);
            return LeafCellHeaderBytes + key.Length + inlineValue.Length;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(body, firstOverflowPage);
        return LeafCellHeaderBytes + key.Length + sizeof(ulong);
    }

    public static int WriteBranchCell(Span<byte> destination, ReadOnlySpan<byte> key, ulong child)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)key.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[2..], child);
        key.CopyTo(destination[BranchCellHeaderBytes..]);
        return BranchCellHeaderBytes + key.Length;
    }

    private static int CellOffset(ReadOnlySpan<byte> page, int index)
    {
        Debug.Assert((uint)index < (uint)Count(page));
        return BinaryPrimitives.ReadUInt16LittleEndian(page[(SlotsOffset + (2 * index))..]);
    }
}
