using FastS3.Engine.Paging;

namespace FastS3.Engine.Tests;

/// <summary>The buffer pool and page file on the fault device: hits, misses, clock eviction, write-back, pins, checks.</summary>
public sealed class BufferPoolTests
{
    private const int PageSize = PageFile.PageSizeBytes;

    [Fact]
    public void Dirty_pages_are_written_back_on_eviction_and_read_back_checked()
    {
        var device = new FaultInjectingPageDevice();
        using var pool = new BufferPool(new PageFile(device), 8 * PageSize);
        CreatePages(pool, 1, 40);

        var afterCreate = pool.Statistics;
        Assert.Equal(8, afterCreate.ResidentPages);
        Assert.Equal(32, afterCreate.Evictions);
        Assert.Equal(32, afterCreate.WriteBacks);
        Assert.Equal(32, device.WriteCount);

        for (ulong page = 40; page >= 1; page--)
        {
            using var handle = pool.Pin(page, PageType.Leaf);
            Assert.Equal((byte)page, handle.Span[PageHeader.Size]);
            Assert.Equal(page * 10, PageHeader.ReadPageLsn(handle.Span));
        }

        var statistics = pool.Statistics;
        Assert.Equal(32, statistics.Misses); // 40..33 were still resident; 32..1 had been evicted
        Assert.Equal(8, statistics.Hits);
    }

    [Fact]
    public void Clock_keeps_a_recently_used_page_over_an_untouched_one()
    {
        var device = new FaultInjectingPageDevice();
        using var pool = new BufferPool(new PageFile(device), 8 * PageSize);
        CreatePages(pool, 1, 8);

        // One new page sweeps the hand round once (clearing every reference bit) and evicts page 1.
        CreatePages(pool, 9, 9);

        // Touch page 2 again: it gets a second chance, so the next victim is page 3.
        using (pool.Pin(2, PageType.Leaf))
        {
        }

        CreatePages(pool, 10, 10);

        var misses = pool.Statistics.Misses;
        using (pool.Pin(2, PageType.Leaf))
        {
        }

        Assert.Equal(misses, pool.Statistics.Misses);
        using (pool.Pin(3, PageType.Leaf))
        {
        }

        Assert.Equal(misses + 1, pool.Statistics.Misses);
    }

    [Fact]
    public void Pinned_frames_are_never_evicted_and_a_full_pool_is_an_error()
    {
        using var pool = new BufferPool(new PageFile(new FaultInjectingPageDevice()), 8 * PageSize);
        for (ulong page = 1; page <= 8; page++)
        {
            var handle = pool.Create(page); // deliberately never disposed: stays pinned
            Write(handle.Span, page);
        }

        var exception = Assert.Throws<InvalidOperationException>(() =>
        {
            using var ninth = pool.Create(9);
        });
        Assert.Contains("pinned", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, pool.Statistics.Evictions);
    }

    [Fact]
    public void A_handle_exposes_its_page_only_while_pinned()
    {
        using var pool = new BufferPool(new PageFile(new FaultInjectingPageDevice()), 8 * PageSize);
        var handle = pool.Create(1);
        Write(handle.Span, 1);
        handle.Dispose();
        var thrown = false;
        try
        {
            _ = handle.Span.Length;
        }
        catch (ObjectDisposedException)
        {
            thrown = true;
        }

        Assert.True(thrown);
    }

    [Fact]
    public void Discarded_pages_are_not_written_back()
    {
        var device = new FaultInjectingPageDevice();
        using var pool = new BufferPool(new PageFile(device), 8 * PageSize);
        CreatePages(pool, 1, 1);
        pool.Discard(1);
        pool.WriteBackAll();
        Assert.Equal(0, device.WriteCount);
        Assert.Equal(0, pool.Statistics.DirtyPages);
    }

    [Theory]
    [InlineData(0)] // magic
    [InlineData(9)] // the CRC itself
    [InlineData(17)] // page id
    [InlineData(3000)] // body
    [InlineData(PageSize - 1)] // last byte
    public void A_flipped_bit_anywhere_in_a_page_is_a_page_corruption(int offset)
    {
        var (device, file, _) = FileWithPage(3);
        device.FlipBit((3L * PageSize) + offset, 5);
        var exception = Assert.Throws<PageCorruptionException>(() => file.Read(3, PageType.Leaf, new byte[PageSize]));
        Assert.Equal(3UL, exception.PageId);
    }

    [Fact]
    public void A_page_in_the_wrong_place_or_of_the_wrong_type_is_a_page_corruption()
    {
        var (device, file, page) = FileWithPage(3);
        device.Write(4L * PageSize, page); // a misdirected write: page 3's bytes at page 4
        Assert.Contains("claims id 3", Assert.Throws<PageCorruptionException>(() => file.Read(4, PageType.Leaf, new byte[PageSize])).Message, StringComparison.Ordinal);
        Assert.Contains("expected Branch", Assert.Throws<PageCorruptionException>(() => file.Read(3, PageType.Branch, new byte[PageSize])).Message, StringComparison.Ordinal);
        Assert.Contains("bad magic", Assert.Throws<PageCorruptionException>(() => file.Read(9, PageType.Leaf, new byte[PageSize])).Message, StringComparison.Ordinal);
        file.Read(3, PageType.Leaf, new byte[PageSize]);
    }

    [Fact]
    public void The_page_file_grows_in_chunks()
    {
        var (device, file, page) = FileWithPage(1);
        Assert.Equal((long)PageFile.GrowthPages * PageSize, device.LengthBytes);
        Write(page, 300);
        file.Write(300, page);
        Assert.Equal(2L * PageFile.GrowthPages * PageSize, device.LengthBytes);
    }

    private static (FaultInjectingPageDevice Device, PageFile File, byte[] Page) FileWithPage(ulong pageId)
    {
        var device = new FaultInjectingPageDevice();
        var file = new PageFile(device);
        var page = new byte[PageSize];
        Write(page, pageId);
        file.Write(pageId, page);
        return (device, file, page);
    }

    private static void CreatePages(BufferPool pool, ulong first, ulong last)
    {
        for (var page = first; page <= last; page++)
        {
            using var handle = pool.Create(page);
            Write(handle.Span, page);
        }
    }

    private static void Write(Span<byte> page, ulong pageId)
    {
        PageHeader.Initialize(page, PageType.Leaf, pageId, pageId * 10);
        page[PageHeader.Size..].Fill((byte)pageId);
    }
}
