using System.Buffers.Binary;
using System.Diagnostics;
using FastS3.Engine.Paging;

namespace FastS3.Engine.Index;

/// <summary>Fills a fresh node page cell by cell, in key order (the layout of <see cref="NodePage"/>).</summary>
internal ref struct NodeBuilder
{
    private readonly Span<byte> _page;
    private int _count;
    private int _cellStart;

    public NodeBuilder(Span<byte> page, PageType type, ulong pageId, ulong pageLsn, ulong leftmost)
    {
        Debug.Assert(page.Length == PageFile.PageSizeBytes);
        Debug.Assert(type is PageType.Leaf or PageType.Branch);
        _page = page;
        PageHeader.Initialize(page, type, pageId, pageLsn);
        BinaryPrimitives.WriteUInt64LittleEndian(page[NodePage.LeftmostOffset..], leftmost);
        _cellStart = PageFile.PageSizeBytes;
        Commit();
    }

    public void Append(ReadOnlySpan<byte> cell)
    {
        Debug.Assert(NodePage.SlotsOffset + (2 * (_count + 1)) + cell.Length <= _cellStart, "cell does not fit");
        _cellStart -= cell.Length;
        cell.CopyTo(_page[_cellStart..]);
        BinaryPrimitives.WriteUInt16LittleEndian(_page[(NodePage.SlotsOffset + (2 * _count))..], (ushort)_cellStart);
        _count++;
        Commit();
    }

    private readonly void Commit()
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_page[NodePage.CountOffset..], (ushort)_count);
        BinaryPrimitives.WriteUInt16LittleEndian(_page[NodePage.CellStartOffset..], (ushort)_cellStart);
    }
}
