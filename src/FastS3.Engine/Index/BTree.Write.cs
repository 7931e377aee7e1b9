using System.Buffers.Binary;
using System.Diagnostics;
using FastS3.Engine.Paging;

namespace FastS3.Engine.Index;

/// <summary>The writer's changes: upsert and delete, each copying the root-to-leaf path it changes.</summary>
internal sealed partial class BTree
{
    /// <summary>Inserts or replaces <paramref name="key"/>; true if the key was new. Writer only.</summary>
    public bool Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong lsn)
    {
        if (key.Length > NodePage.MaxKeyBytes)
        {
            throw new ArgumentException($"key of {key.Length} bytes exceeds {NodePage.MaxKeyBytes}", nameof(key));
        }

        _writeLsn = lsn;
        var cellLength = NodePage.LeafCellBytes(key.Length, value.Length, out var inline);
        var overflow = inline ? NoPage : WriteOverflow(value);
        Span<byte> cell = stackalloc byte[cellLength]; // <= 2000 bytes (MaxLeafCellBytes)
        NodePage.WriteLeafCell(cell, key, inline ? value : default, value.Length, overflow);

        var inserted = true;
        Rewrite result;
        if (_writeRoot == NoPage)
        {
            result = BuildNode(PageType.Leaf, NoPage, new NodeEdit(EmptyLeaf, 0, 0, cell, default, 1));
        }
        else
        {
            result = UpsertInto(_writeRoot, key, cell, ref inserted);
        }

        _writeRoot = result.IsSplit ? NewRoot(result) : result.Left;
        if (inserted)
        {
            _writeCount++;
        }

        return inserted;
    }

    /// <summary>Removes <paramref name="key"/>; false if it was not there. Writer only.</summary>
    public bool Delete(ReadOnlySpan<byte> key, ulong lsn)
    {
        if (_writeRoot == NoPage)
        {
            return false;
        }

        _writeLsn = lsn;
        var removed = false;
        var root = DeleteFrom(_writeRoot, key, ref removed);
        if (removed)
        {
            _writeRoot = root;
            _writeCount--;
        }

        return removed;
    }

    /// <summary>A page image of a leaf with no cells: the base of the first insert.</summary>
    private static ReadOnlySpan<byte> EmptyLeaf => EmptyLeafImage;

    private static readonly byte[] EmptyLeafImage = CreateEmptyLeaf();

    private static byte[] CreateEmptyLeaf()
    {
        var page = new byte[PageFile.PageSizeBytes];
        _ = new NodeBuilder(page, PageType.Leaf, NoPage, 0, NoPage);
        return page;
    }

    private Rewrite UpsertInto(ulong pageId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> cell, ref bool inserted)
    {
        int childIndex;
        ulong childPage = NoPage;
        Rewrite leaf = default;
        (ulong First, int Length) replacedOverflow = default;
        using (var page = _pool.Pin(pageId, PageType.None))
        {
            var span = page.Span;
            if (NodePage.IsLeaf(span))
            {
                var index = NodePage.LowerBound(span, key, out var found);
                replacedOverflow = found ? OverflowOf(span, index) : default;
                inserted = !found;
                leaf = BuildNode(PageType.Leaf, NoPage, new NodeEdit(span, index, found ? 1 : 0, cell, default, 1));
                childIndex = -1;
            }
            else
            {
                childIndex = NodePage.ChildIndex(span, key);
                childPage = NodePage.Child(span, childIndex);
            }
        }

        if (childIndex < 0)
        {
            RetirePage(pageId); // unpinned first: a page allocated since the last publish is freed at once
            RetireOverflow(replacedOverflow.First, replacedOverflow.Length);
            return leaf;
        }

        var child = UpsertInto(childPage, key, cell, ref inserted);
        var rewrite = ReplaceChild(pageId, childIndex, child);
        RetirePage(pageId);
        return rewrite;
    }

    private ulong DeleteFrom(ulong pageId, ReadOnlySpan<byte> key, ref bool removed)
    {
        int childIndex;
        ulong childPage = NoPage;
        var leaf = NoPage;
        (ulong First, int Length) overflow = default;
        using (var page = _pool.Pin(pageId, PageType.None))
        {
            var span = page.Span;
            if (NodePage.IsLeaf(span))
            {
                var index = NodePage.LowerBound(span, key, out var found);
                if (!found)
                {
                    return pageId;
                }

                removed = true;
                overflow = OverflowOf(span, index);
                leaf = NodePage.Count(span) == 1
                    ? NoPage // an empty leaf is freed, and its parent drops the pointer
                    : BuildNode(PageType.Leaf, NoPage, new NodeEdit(span, index, 1, default, default, 0)).Left;
                childIndex = -1;
            }
            else
            {
                childIndex = NodePage.ChildIndex(span, key);
                childPage = NodePage.Child(span, childIndex);
            }
        }

        if (childIndex < 0)
        {
            RetirePage(pageId);
            RetireOverflow(overflow.First, overflow.Length);
            return leaf;
        }

        var child = DeleteFrom(childPage, key, ref removed);
        if (!removed)
        {
            return pageId;
        }

        ulong replacement;
        if (child != NoPage)
        {
            replacement = TryMergeLeaves(pageId, childIndex, child, out var merged)
                ? merged
                : ReplaceChild(pageId, childIndex, new Rewrite(child, NoPage, null)).Left;
        }
        else
        {
            using var page = _pool.Pin(pageId, PageType.Branch);
            var span = page.Span;
            var count = NodePage.Count(span);
            if (count == 0)
            {
                replacement = NoPage; // its only child emptied
            }
            else if (count == 1)
            {
                // One child left: the branch is replaced by it, so no chain of one-child branches
                // grows (depth may then differ between subtrees; search does not care).
                replacement = NodePage.Child(span, childIndex == 0 ? 1 : 0);
            }
            else
            {
                // Dropping child 0 promotes child 1 to leftmost and removes cell 0; child i > 0 is cell i-1.
                var leftmost = childIndex == 0 ? NodePage.Child(span, 1) : NodePage.Leftmost(span);
                var position = childIndex == 0 ? 0 : childIndex - 1;
                replacement = BuildNode(PageType.Branch, leftmost, new NodeEdit(span, position, 1, default, default, 0)).Left;
            }
        }

        RetirePage(pageId);
        return replacement;
    }

    /// <summary>Copy of branch <paramref name="pageId"/> with child <paramref name="childIndex"/> replaced by a rewrite's page(s).</summary>
    private Rewrite ReplaceChild(ulong pageId, int childIndex, Rewrite child)
    {
        using var page = _pool.Pin(pageId, PageType.Branch);
        var span = page.Span;
        var leftmost = NodePage.Leftmost(span);
        var scratch = _cellScratch.AsSpan();
        var replaced = ReadOnlySpan<byte>.Empty;
        if (childIndex == 0)
        {
            leftmost = child.Left;
        }
        else
        {
            var length = NodePage.WriteBranchCell(scratch, NodePage.Key(span, childIndex - 1), child.Left);
            replaced = scratch[..length];
        }

        var added = ReadOnlySpan<byte>.Empty;
        if (child.IsSplit)
        {
            var length = NodePage.WriteBranchCell(scratch[NodePage.MaxLeafCellBytes..], child.Separator, child.Right);
            added = scratch.Slice(NodePage.MaxLeafCellBytes, length);
        }

        var edit = (childIndex == 0, child.IsSplit) switch
        {
            (true, false) => new NodeEdit(span, 0, 0, default, default, 0),
            (true, true) => new NodeEdit(span, 0, 0, added, default, 1),
            (false, false) => new NodeEdit(span, childIndex - 1, 1, replaced, default, 1),
            (false, true) => new NodeEdit(span, childIndex - 1, 1, replaced, added, 2),
        };
        return BuildNode(PageType.Branch, leftmost, edit);
    }

    private ulong NewRoot(Rewrite split)
    {
        var scratch = _cellScratch.AsSpan();
        var length = NodePage.WriteBranchCell(scratch, split.Separator, split.Right);
        return BuildNode(PageType.Branch, split.Left, new NodeEdit(EmptyLeaf, 0, 0, scratch[..length], default, 1)).Left;
    }

    /// <summary>
    /// Writes the edited cell sequence into one new page, or splits it into two at the byte
    /// midpoint. A leaf split's separator is the shortest prefix of the right half's first key
    /// that is above the left half's last key (suffix truncation: shorter branch cells, more
    /// fan-out); a branch split promotes its middle cell's key and child instead.
    /// </summary>
    private Rewrite BuildNode(PageType type, ulong leftmost, NodeEdit edit)
    {
        var count = edit.Count;
        var total = edit.Bytes(0, count);
        if (total <= NodePage.CapacityBytes)
        {
            return new Rewrite(Fill(type, leftmost, edit, 0, count), NoPage, null);
        }

        var split = 0;
        var left = 0;
        while (split < count - 1 && left + edit.Cell(split).Length + 2 <= total / 2)
        {
            left += edit.Cell(split).Length + 2;
            split++;
        }

        split = Math.Max(split, 1);
        Debug.Assert(count >= 3, "an overflowing node has at least 4 cells (MaxLeafCellBytes)");
        if (type == PageType.Leaf)
        {
            var leftKey = CellKey(edit.Cell(split - 1), type);
            var rightKey = CellKey(edit.Cell(split), type);
            Debug.Assert(leftKey.SequenceCompareTo(rightKey) < 0);
            var separator = rightKey[..(leftKey.CommonPrefixLength(rightKey) + 1)].ToArray();
            return new Rewrite(Fill(type, NoPage, edit, 0, split), Fill(type, NoPage, edit, split, count), separator);
        }

        var middle = edit.Cell(split);
        var promoted = CellKey(middle, type).ToArray();
        var rightLeftmost = BinaryPrimitives.ReadUInt64LittleEndian(middle[2..]);
        return new Rewrite(Fill(type, leftmost, edit, 0, split), Fill(type, rightLeftmost, edit, split + 1, count), promoted);
    }

    private ulong Fill(PageType type, ulong leftmost, NodeEdit edit, int from, int to)
    {
        Debug.Assert(edit.Bytes(from, to) <= NodePage.CapacityBytes, "node part does not fit a page");
        var pageId = AllocatePage();
        using var page = _pool.Create(pageId);
        var builder = new NodeBuilder(page.Span, type, pageId, _writeLsn, leftmost);
        for (var i = from; i < to; i++)
        {
            builder.Append(edit.Cell(i));
        }

        return pageId;
    }

    private static ReadOnlySpan<byte> CellKey(ReadOnlySpan<byte> cell, PageType type)
    {
        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(cell);
        return cell.Slice(type == PageType.Leaf ? NodePage.LeafCellHeaderBytes : NodePage.BranchCellHeaderBytes, keyLength);
    }

    private static (ulong First, int Length) OverflowOf(ReadOnlySpan<byte> leaf, int index)
    {
        var value = NodePage.Value(leaf, index);
        return value.Kind == NodePage.OverflowValue ? (value.FirstOverflowPage, value.Length) : (NoPage, 0);
    }
}
