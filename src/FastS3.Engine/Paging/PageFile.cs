using System.Diagnostics;

namespace FastS3.Engine.Paging;

/// <summary>
/// Fixed-size pages in one file: page <c>n</c> lives at byte <c>n * PageSizeBytes</c>. Writes stamp
/// the page CRC32C; reads check magic, CRC, version, id and type before the caller sees a byte.
/// The file grows in chunks so a stream of new pages does not change the file size (an inode
/// update the next fsync must also write) once per page.
/// </summary>
internal sealed class PageFile : IDisposable
{
    /// <summary>8 KiB: two 4 KiB device blocks, ~100 object entries per leaf (80-byte average), a 3-level tree past 1M keys.</summary>
    public const int PageSizeBytes = 8192;

    /// <summary>Growth step: 256 pages (2 MiB), so a 1M-key build grows the file ~100 times, not ~20k.</summary>
    public const int GrowthPages = 256;

    private readonly IPageDevice _device;

    /// <summary>Serializes growth: the buffer pool writes pages back from several threads (eviction by any reader, a checkpoint).</summary>
    private readonly Lock _growLock = new();
    private long _capacityPages;

    public PageFile(IPageDevice device)
    {
        _device = device;
        _capacityPages = device.LengthBytes / PageSizeBytes;
    }

    public IPageDevice Device => _device;

    /// <summary>Reads page <paramref name="pageId"/> into <paramref name="destination"/> and checks it.</summary>
    /// <exception cref="PageCorruptionException">The page fails a check.</exception>
    public void Read(ulong pageId, PageType expectedType, Span<byte> destination)
    {
        Debug.Assert(destination.Length == PageSizeBytes);
        _device.Read(checked((long)pageId * PageSizeBytes), destination);
        var problem = PageHeader.Check(destination, pageId, out var header);
        if (problem is not null)
        {
            throw new PageCorruptionException(pageId, problem);
        }

        if (expectedType != PageType.None && header.Type != expectedType)
        {
            throw new PageCorruptionException(pageId, $"page type {header.Type}, expected {expectedType}");
        }
    }

    /// <summary>
    /// Stamps the CRC into <paramref name="page"/> and writes it. The CRC field is the only byte
    /// changed, and nobody but <see cref="Read"/> looks at it, so a reader of the frame is unaffected.
    /// </summary>
    public void Write(ulong pageId, Span<byte> page)
    {
        Debug.Assert(page.Length == PageSizeBytes);
        Debug.Assert(PageHeader.ReadPageId(page) == pageId, "frame holds another page");
        if ((long)pageId >= Volatile.Read(ref _capacityPages))
        {
            Grow((long)pageId);
        }

        PageHeader.StampCrc(page);
        _device.Write((long)pageId * PageSizeBytes, page);
    }

    /// <summary>
    /// Makes pages below <paramref name="pageCount"/> writable without growing the file (their
    /// blocks exist): the engine calls it before logging a change, so the change's new pages can
    /// never meet a full disk once the change is in the log.
    /// </summary>
    /// <exception cref="IOException">The disk is full (HResult 28) or failed.</exception>
    public void Reserve(long pageCount)
    {
        if (pageCount > Volatile.Read(ref _capacityPages))
        {
            Grow(pageCount - 1);
        }
    }

    /// <summary>fsync: every page written so far is durable.</summary>
    public void Sync() => _device.Sync();

    public void Dispose() => _device.Dispose();

    private void Grow(long pageId)
    {
        lock (_growLock)
        {
            if (pageId >= _capacityPages) // another writer may have grown it past this page meanwhile
            {
                var pages = (pageId / GrowthPages + 1) * GrowthPages;
                _device.SetLength(pages * PageSizeBytes);
                Volatile.Write(ref _capacityPages, pages);
            }
        }
    }
}
