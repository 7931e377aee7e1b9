using System.Buffers.Binary;
using FastS3.Engine.Paging;

namespace FastS3.Engine.Index;

/// <summary>
/// A full structural check of the write state, for tests and a repair tool: keys ascend in every
/// node, every subtree stays inside its parent's separators, no leaf is empty, overflow chains
/// have the length their cells claim, and no page is reached twice. Reads every page.
/// </summary>
internal sealed partial class BTree
{
    /// <summary>Pages the write root reaches (nodes and overflow links) and the entries it holds.</summary>
    /// <exception cref="InvalidOperationException">A structural invariant does not hold.</exception>
    internal (int Pages, long Entries) Verify()
    {
        var seen = new HashSet<ulong>();
        long entries = 0;
        if (_writeRoot != NoPage)
        {
            VerifyNode(_writeRoot, null, null, seen, ref entries);
        }

        if (entries != _writeCount)
        {
            throw new InvalidOperationException($"tree holds {entries} entries, count says {_writeCount}");
        }

        return (seen.Count, entries);
    }

    private void VerifyNode(ulong pageId, byte[]? low, byte[]? high, HashSet<ulong> seen, ref long entries)
    {
        Reach(pageId, seen);
        var children = new List<(ulong Child, byte[]? Low, byte[]? High)>();
        var overflow = new List<(ulong First, int Length)>();
        using (var page = _pool.Pin(pageId, PageType.None))
        {
            var span = page.Span;
            var count = NodePage.Count(span);
            var leaf = NodePage.IsLeaf(span);
            if (leaf && count == 0)
            {
                throw new InvalidOperationException($"leaf {pageId} is empty");
            }

            for (var i = 0; i < count; i++)
            {
                var key = NodePage.Key(span, i);
                if ((low is not null && key.SequenceCompareTo(low) < 0) || (high is not null && key.SequenceCompareTo(high) >= 0)
                    || (i > 0 && NodePage.Key(span, i - 1).SequenceCompareTo(key) >= 0))
                {
                    throw new InvalidOperationException($"page {pageId} cell {i} is out of order or outside its parent's range");
                }

                if (leaf && NodePage.Value(span, i).Kind == NodePage.OverflowValue)
                {
                    var value = NodePage.Value(span, i);
                    overflow.Add((value.FirstOverflowPage, value.Length));
                }
            }

            if (leaf)
            {
                entries += count;
            }
            else
            {
                for (var c = 0; c <= count; c++)
                {
                    children.Add((NodePage.Child(span, c), c == 0 ? low : NodePage.Key(span, c - 1).ToArray(), c == count ? high : NodePage.Key(span, c).ToArray()));
                }
            }
        }

        foreach (var (first, length) in overflow)
        {
            var current = first;
            var total = 0;
            while (current != NoPage)
            {
                Reach(current, seen);
                using var page = _pool.Pin(current, PageType.Overflow);
                total += (int)BinaryPrimitives.ReadUInt32LittleEndian(page.Span[OverflowLengthOffset..]);
                current = BinaryPrimitives.ReadUInt64LittleEndian(page.Span[OverflowNextOffset..]);
            }

            if (total != length)
            {
                throw new InvalidOperationException($"overflow chain at {first} holds {total} bytes, its cell says {length}");
            }
        }

        foreach (var (child, childLow, childHigh) in children)
        {
            VerifyNode(child, childLow, childHigh, seen, ref entries);
        }
    }

    private static void Reach(ulong pageId, HashSet<ulong> seen)
    {
        if (pageId == NoPage || !seen.Add(pageId))
        {
            throw new InvalidOperationException($"page {pageId} is reached twice (or is page 0)");
        }
    }
}
