using System.Diagnostics;
using FastS3.Engine.Paging;

namespace FastS3.Engine.Index;

/// <summary>
/// Rebalancing after a delete: a leaf left less than a quarter full is merged with its neighbour
/// when both fit in one page, so a tree that shrinks does not keep a page per few keys (a list
/// page would otherwise read many nearly empty leaves). Branches are not merged: they are ~1% of
/// the pages, and an emptied branch is still freed and a one-child branch replaced by its child.
/// </summary>
internal sealed partial class BTree
{
    /// <summary>Below this many used bytes a leaf looks for a neighbour to merge with: a quarter of a page.</summary>
    private const int MergeThresholdBytes = NodePage.CapacityBytes / 4;

    /// <summary>
    /// Branch <paramref name="pageId"/>'s child <paramref name="childIndex"/> was just rewritten to
    /// <paramref name="child"/> (a page of the writer's, not yet sealed). If that is an underfull
    /// leaf and a neighbouring leaf has room for it, writes the merged leaf and the branch without
    /// the right one's pointer; false leaves everything as it was.
    /// </summary>
    private bool TryMergeLeaves(ulong pageId, int childIndex, ulong child, out ulong replacement)
    {
        replacement = NoPage;
        ulong sibling;
        int left;
        using (var page = _pool.Pin(pageId, PageType.Branch))
        {
            var span = page.Span;
            var count = NodePage.Count(span);
            if (count == 0 || UsedBytes(child, out var childIsLeaf) >= MergeThresholdBytes || !childIsLeaf)
            {
                return false;
            }

            var siblingIndex = childIndex > 0 ? childIndex - 1 : 1;
            sibling = NodePage.Child(span, siblingIndex);
            var siblingUsed = UsedBytes(sibling, out var siblingIsLeaf);
            if (!siblingIsLeaf || siblingUsed + UsedBytes(child, out _) > NodePage.CapacityBytes)
            {
                return false;
            }

            left = Math.Min(childIndex, siblingIndex);
            var merged = MergeLeaves(left == childIndex ? child : sibling, left == childIndex ? sibling : child);

            // Children left and left + 1 become one: child left + 1 (cell left) goes; child left
            // (the leftmost, or cell left - 1's pointer) now names the merged leaf.
            if (count == 1)
            {
                replacement = merged; // the branch is left with one child: replaced by it
            }
            else if (left == 0)
            {
                replacement = BuildNode(PageType.Branch, merged, new NodeEdit(span, 0, 1, default, default, 0)).Left;
            }
            else
            {
                var scratch = _cellScratch.AsSpan();
                var length = NodePage.WriteBranchCell(scratch, NodePage.Key(span, left - 1), merged);
                replacement = BuildNode(PageType.Branch, NodePage.Leftmost(span), new NodeEdit(span, left - 1, 2, scratch[..length], default, 1)).Left;
            }
        }

        RetirePage(child); // the writer's own page: freed at once
        RetirePage(sibling);
        return true;
    }

    private int UsedBytes(ulong pageId, out bool isLeaf)
    {
        using var page = _pool.Pin(pageId, PageType.None);
        isLeaf = NodePage.IsLeaf(page.Span);
        return NodePage.CapacityBytes - NodePage.FreeBytes(page.Span);
    }

    private ulong MergeLeaves(ulong left, ulong right)
    {
        var pageId = AllocatePage();
        using var merged = _pool.Create(pageId);
        var builder = new NodeBuilder(merged.Span, PageType.Leaf, pageId, _writeLsn, NoPage);
        foreach (var source in (ReadOnlySpan<ulong>)[left, right])
        {
            using var page = _pool.Pin(source, PageType.Leaf);
            var span = page.Span;
            for (var i = 0; i < NodePage.Count(span); i++)
            {
                builder.Append(NodePage.Cell(span, i));
            }
        }

        Debug.Assert(NodePage.Count(merged.Span) > 0);
        return pageId;
    }
}
