namespace FastS3.Engine.Paging;

/// <summary>
/// A page read from the index file does not check out (bad magic, CRC32C, version, id or type).
/// Never skipped and never repaired silently: the index is rebuilt from the log instead.
/// </summary>
public sealed class PageCorruptionException : Exception
{
    /// <summary>Creates the exception for <paramref name="pageId"/>.</summary>
    public PageCorruptionException(ulong pageId, string detail)
        : base($"index page {pageId} is corrupt: {detail}")
    {
        PageId = pageId;
    }

    /// <summary>The same failure again for another thread that waited for the same read.</summary>
    internal PageCorruptionException(ulong pageId, string message, PageCorruptionException original)
        : base(message, original)
    {
        PageId = pageId;
    }

    /// <summary>Creates the exception (kept for analyzers).</summary>
    public PageCorruptionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PageCorruptionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public PageCorruptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The page that failed its checks.</summary>
    public ulong PageId { get; }
}
