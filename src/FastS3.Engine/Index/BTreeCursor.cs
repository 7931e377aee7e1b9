using System.Buffers;
using System.Diagnostics;
using FastS3.Engine.Paging;

namespace FastS3.Engine.Index;

/// <summary>
/// Walks one version of a <see cref="BTree"/> in key order from a lower bound: ListObjects pages,
/// delimiter skips (seek past a common prefix) and markers. A copy-on-write tree has no sibling
/// links (a link would make every leaf change copy its neighbour too), so the cursor keeps the
/// branch path and climbs it at the end of a leaf. It copies each leaf it enters (8 KiB) and
/// holds no pin between calls; the version must stay held (a snapshot) while it is used.
/// </summary>
internal sealed class BTreeCursor
{
    private readonly BTree _tree;
    private ulong _root;
    private readonly Stack<(ulong PageId, int ChildIndex, int CellCount)> _path = new();
    private readonly byte[] _leaf = new byte[PageFile.PageSizeBytes];
    private readonly ArrayBufferWriter<byte> _value = new();
    private int _index;
    private int _count;

    internal BTreeCursor(BTree tree, ulong root)
    {
        _tree = tree;
        _root = root;
    }

    /// <summary>The current key; valid after <see cref="MoveNext"/> returned true, until the next move.</summary>
    public ReadOnlySpan<byte> Key
    {
        get
        {
            Debug.Assert((uint)_index < (uint)_count, "cursor not on an entry");
            return NodePage.Key(_leaf, _index);
        }
    }

    /// <summary>The current value; an overflow value is read from its chain into a buffer the cursor reuses.</summary>
    public ReadOnlySpan<byte> Value
    {
        get
        {
            Debug.Assert((uint)_index < (uint)_count, "cursor not on an entry");
            var value = NodePage.Value(_leaf, _index);
            if (value.Kind == NodePage.InlineValue)
            {
                return value.Inline;
            }

            _value.ResetWrittenCount();
            _tree.CopyValueForRead(_leaf, _index, _value);
            return _value.WrittenSpan;
        }
    }

    /// <summary>Points the cursor at another version of the same tree (a reused cursor allocates nothing per list page).</summary>
    internal void Rebind(ulong root)
    {
        _root = root;
        _path.Clear();
        _index = 0;
        _count = 0;
    }

    /// <summary>Positions the cursor before the first key &gt;= <paramref name="lowerBound"/>.</summary>
    public void Seek(ReadOnlySpan<byte> lowerBound)
    {
        _path.Clear();
        _index = 0;
        _count = 0;
        var pageId = _root;
        while (pageId != BTree.NoPage)
        {
            using var page = _tree.PinForRead(pageId);
            var span = page.Span;
            if (NodePage.IsLeaf(span))
            {
                EnterLeaf(span);
                _index = NodePage.LowerBound(span, lowerBound, out _) - 1;
                return;
            }

            var child = NodePage.ChildIndex(span, lowerBound);
            _path.Push((pageId, child, NodePage.Count(span)));
            pageId = NodePage.Child(span, child);
        }
    }

    /// <summary>Moves to the next key in order; false at the end.</summary>
    public bool MoveNext()
    {
        if (_index + 1 < _count)
        {
            _index++;
            return true;
        }

        while (_path.TryPop(out var branch))
        {
            if (branch.ChildIndex >= branch.CellCount)
            {
                continue; // last child done: climb
            }

            var child = branch.ChildIndex + 1;
            _path.Push((branch.PageId, child, branch.CellCount));
            ulong pageId;
            using (var page = _tree.PinForRead(branch.PageId))
            {
                pageId = NodePage.Child(page.Span, child);
            }

            DescendLeftmost(pageId);
            _index = 0;
            Debug.Assert(_count > 0, "leaves are never empty");
            return true;
        }

        _index = _count; // exhausted; later calls stay false
        return false;
    }

    private void DescendLeftmost(ulong pageId)
    {
        while (true)
        {
            using var page = _tree.PinForRead(pageId);
            var span = page.Span;
            if (NodePage.IsLeaf(span))
            {
                EnterLeaf(span);
                return;
            }

            _path.Push((pageId, 0, NodePage.Count(span)));
            pageId = NodePage.Leftmost(span);
        }
    }

    private void EnterLeaf(ReadOnlySpan<byte> leaf)
    {
        leaf.CopyTo(_leaf);
        _count = NodePage.Count(leaf);
    }
}
