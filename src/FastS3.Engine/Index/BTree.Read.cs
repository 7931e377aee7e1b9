using System.Buffers;
using FastS3.Engine.Paging;

namespace FastS3.Engine.Index;

/// <summary>Point lookups, on the write state (the writer) or a snapshot's root (readers).</summary>
internal sealed partial class BTree
{
    /// <summary>The write state's value for <paramref name="key"/>, appended to <paramref name="destination"/>. Writer only.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, IBufferWriter<byte> destination) => TryGet(_writeRoot, key, destination);

    internal bool TryGet(ulong root, ReadOnlySpan<byte> key, IBufferWriter<byte> destination)
    {
        var pageId = root;
        while (pageId != NoPage)
        {
            using var page = _pool.Pin(pageId, PageType.None);
            var span = page.Span;
            if (NodePage.IsLeaf(span))
            {
                var index = NodePage.LowerBound(span, key, out var found);
                if (found)
                {
                    CopyValue(span, index, destination);
                }

                return found;
            }

            if (PageHeader.ReadType(span) != PageType.Branch)
            {
                throw new PageCorruptionException(pageId, $"page type {PageHeader.ReadType(span)} inside the tree");
            }

            pageId = NodePage.Child(span, NodePage.ChildIndex(span, key));
        }

        return false;
    }

    /// <summary>A cursor over the write state, positioned before the first key &gt;= <paramref name="lowerBound"/>. Writer only, and only until the next change.</summary>
    public BTreeCursor Seek(ReadOnlySpan<byte> lowerBound)
    {
        var cursor = new BTreeCursor(this, _writeRoot);
        cursor.Seek(lowerBound);
        return cursor;
    }

    /// <summary>The value of <paramref name="key"/> in <paramref name="version"/>; the caller holds it (a read section or a snapshot).</summary>
    public bool TryGet(PublishedVersion version, ReadOnlySpan<byte> key, IBufferWriter<byte> destination) => TryGet(version.RootPageId, key, destination);

    /// <summary>A cursor on <paramref name="version"/> before the first key &gt;= <paramref name="lowerBound"/> (reusing <paramref name="reuse"/> when given); valid while the version is held.</summary>
    public BTreeCursor Seek(PublishedVersion version, ReadOnlySpan<byte> lowerBound, BTreeCursor? reuse = null)
    {
        var cursor = reuse ?? new BTreeCursor(this, version.RootPageId);
        cursor.Rebind(version.RootPageId);
        cursor.Seek(lowerBound);
        return cursor;
    }

    internal PageHandle PinForRead(ulong pageId) => _pool.Pin(pageId, PageType.None);

    internal void CopyValueForRead(ReadOnlySpan<byte> leaf, int index, IBufferWriter<byte> destination) => CopyValue(leaf, index, destination);
}
