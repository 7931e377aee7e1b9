namespace FastS3.Engine.Paging;

/// <summary>
/// A pinned page: while it is held the frame cannot be evicted or reused, and <see cref="Span"/>
/// is valid; after <see cref="Dispose"/> it throws. A ref struct, so it can neither outlive the
/// method that pinned the page nor be captured across an await.
/// </summary>
internal ref struct PageHandle : IDisposable
{
    private BufferPool? _pool;
    private readonly int _frame;

    internal PageHandle(BufferPool pool, int frame, ulong pageId)
    {
        _pool = pool;
        _frame = frame;
        PageId = pageId;
    }

    public ulong PageId { get; }

    /// <summary>The page's bytes; valid only while pinned.</summary>
    public readonly Span<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pool is null, typeof(PageHandle));
            return _pool.FrameSpan(_frame);
        }
    }

    /// <summary>Unpins the page (once; later calls do nothing).</summary>
    public void Dispose()
    {
        var pool = _pool;
        _pool = null;
        pool?.Unpin(_frame);
    }
}
