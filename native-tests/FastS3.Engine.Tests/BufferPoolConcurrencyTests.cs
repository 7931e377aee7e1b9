using FastS3.Engine.Paging;

namespace FastS3.Engine.Tests;

/// <summary>
/// The buffer pool under concurrent pins: a tiny pool over a larger file, threads pinning random
/// pages while a writer creates, writes back and re-reads its own; one read per concurrent miss;
/// a failed read shared by its waiters and retried by the next pin. Every loop is bounded in count.
/// </summary>
public sealed class BufferPoolConcurrencyTests
{
    private const int PageSize = PageFile.PageSizeBytes;

    /// <summary>Pages 1..64 on file, 16 frames: three of four pins miss.</summary>
    private const ulong FilePages = 64;

    private const int Frames = 16;

    /// <summary>The writer's pages: 1000..1031, each rewritten many times.</summary>
    private const ulong WriterFirstPage = 1000;

    private const int WriterPages = 32;

    [Fact]
    public void Threads_pinning_random_pages_of_a_tiny_pool_always_hold_the_page_they_asked_for()
    {
        const int Readers = 4;
        const int PinsPerReader = 3000;
        const int WriterRounds = 400;
        var device = DeviceWithPages(FilePages);
        using var pool = new BufferPool(new PageFile(device), Frames * PageSize);
        var pins = 0L;

        var readers = Enumerable.Range(0, Readers).Select(r => Task.Factory.StartNew(
            () =>
            {
                var seed = 1000 + r;
                var random = new Random(seed);
                for (var i = 0; i < PinsPerReader; i++)
                {
                    var first = (ulong)random.Next(1, (int)FilePages + 1);
                    using var page = pool.Pin(first, PageType.Leaf);
                    AssertPage(page.Span, first, 1, $"reader seed {seed}, pin {i}");
                    if (random.Next(2) == 0)
                    {
                        // A second pin (likely a miss that evicts someone): the first must stay put.
                        var second = (ulong)random.Next(1, (int)FilePages + 1);
                        using (var other = pool.Pin(second, PageType.Leaf))
                        {
                            AssertPage(other.Span, second, 1, $"reader seed {seed}, pin {i}, second");
                        }

                        Interlocked.Increment(ref pins);
                        Thread.Yield();
                        AssertPage(page.Span, first, 1, $"reader seed {seed}, pin {i}, first after second");
                    }

                    Interlocked.Increment(ref pins);
                }
            },
            TaskCreationOptions.LongRunning)).ToList();

        // The writer: creates its pages again and again (dirty victims for everyone's sweeps),
        // flushes some as a checkpoint would, and reads its own back through evictions.
        var writer = Task.Factory.StartNew(
            () =>
            {
                var random = new Random(7);
                var versions = new ulong[WriterPages];
                for (var round = 1; round <= WriterRounds; round++)
                {
                    var index = random.Next(WriterPages);
                    var id = WriterFirstPage + (ulong)index;
                    using (var page = pool.Create(id))
                    {
                        Fill(page.Span, id, (ulong)round);
                    }

                    versions[index] = (ulong)round;
                    if (random.Next(4) == 0)
                    {
                        pool.WriteBackIfDirty(WriterFirstPage + (ulong)random.Next(WriterPages));
                    }

                    var check = random.Next(WriterPages);
                    if (versions[check] != 0)
                    {
                        var checkId = WriterFirstPage + (ulong)check;
                        using var page = pool.Pin(checkId, PageType.Leaf);
                        AssertPage(page.Span, checkId, versions[check], $"writer round {round}");
                        Interlocked.Increment(ref pins);
                    }
                }
            },
            TaskCreationOptions.LongRunning);

        WaitAll([.. readers, writer]);

        var statistics = pool.Statistics;
        Assert.Equal(pins, statistics.Hits + statistics.Misses); // every pin counted once, none lost between hit and miss
        Assert.True(statistics.Misses > Readers * PinsPerReader / 2, $"only {statistics.Misses} misses: the pool did not evict");
        Assert.True(statistics.WriteBacks > 0);

        // No pin was lost: every frame can be taken at once.
        var held = new List<ulong>();
        for (var id = 5000UL; id < 5000 + Frames; id++)
        {
            var handle = pool.Create(id); // held past the loop on purpose; the pool is disposed at the end
            held.Add(handle.PageId);
        }

        Assert.Equal(Frames, held.Count);
    }

    [Fact]
    public void Concurrent_misses_of_one_page_read_it_once()
    {
        const int Waiters = 3;
        var device = DeviceWithPages(8);
        using var pool = new BufferPool(new PageFile(device), Frames * PageSize);
        WaitAll(PinsPiledOnOneRead(device, pool, 7, Waiters));

        Assert.Equal(1, device.ReadCount);
        var statistics = pool.Statistics;
        Assert.Equal(1, statistics.Misses);
        Assert.Equal(Waiters, statistics.Hits);
    }

    [Fact]
    public void A_failed_read_is_the_error_of_all_who_waited_for_it_and_the_next_pin_reads_again()
    {
        const int Waiters = 3;
        var device = DeviceWithPages(8);
        using var pool = new BufferPool(new PageFile(device), Frames * PageSize);
        device.FlipBit((7L * PageSize) + 3000, 2);
        foreach (var task in PinsPiledOnOneRead(device, pool, 7, Waiters))
        {
            Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "a pin hangs");
            var error = Assert.Throws<AggregateException>(() => task.Wait()).InnerException;
            var corruption = Assert.IsType<PageCorruptionException>(error);
            Assert.Equal(7UL, corruption.PageId);
            Assert.Contains("CRC", corruption.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, device.ReadCount); // the waiters did not read it again
        Assert.Equal(0, pool.Statistics.ResidentPages);

        // Nothing of it stayed: the next pin reads the file again (and fails again while it is bad) ...
        Assert.Throws<PageCorruptionException>(() => pool.Pin(7, PageType.Leaf));
        Assert.Equal(2, device.ReadCount);

        // ... and once the bit is back, reads it whole.
        device.FlipBit((7L * PageSize) + 3000, 2);
        PinAndCheck(pool, 7);
        Assert.Equal(3, device.ReadCount);
        Assert.Equal(1, pool.Statistics.ResidentPages);
    }

    [Fact]
    public void A_read_in_progress_holds_up_no_pin_of_another_page()
    {
        var device = DeviceWithPages(8);
        using var pool = new BufferPool(new PageFile(device), Frames * PageSize);
        PinAndCheck(pool, 3); // resident
        var readStarted = new ManualResetEventSlim();
        var releaseRead = new ManualResetEventSlim();
        device.BeforeRead = offset =>
        {
            if (offset == 7L * PageSize)
            {
                readStarted.Set();
                releaseRead.Wait();
            }
        };

        var slow = Task.Factory.StartNew(() => PinAndCheck(pool, 7), TaskCreationOptions.LongRunning);
        Assert.True(readStarted.Wait(TimeSpan.FromSeconds(30)), "the first pin never read");

        // While page 7's read is held: a hit, and a miss that reads another page, both finish.
        var others = Task.Factory.StartNew(
            () =>
            {
                PinAndCheck(pool, 3);
                PinAndCheck(pool, 5);
            },
            TaskCreationOptions.LongRunning);
        var finished = ((IAsyncResult)others).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60));
        releaseRead.Set();
        Assert.True(finished, "pins of other pages waited for page 7's read");
        WaitAll([slow, others]);
        Assert.False(slow.IsFaulted);
    }

    [Fact]
    public void A_read_of_the_wrong_type_throws_and_unpins()
    {
        var device = DeviceWithPages(8);
        using var pool = new BufferPool(new PageFile(device), 8 * PageSize);
        for (var i = 0; i < 2 * 8; i++)
        {
            Assert.Throws<PageCorruptionException>(() => pool.Pin(3, PageType.Branch)); // miss, then hits
        }

        // The failed pins left no pin behind: all eight frames can be taken.
        for (var id = 100UL; id < 108; id++)
        {
            _ = pool.Create(id);
        }
    }

    [Fact]
    public void A_hit_allocates_nothing()
    {
        var device = DeviceWithPages(8);
        using var pool = new BufferPool(new PageFile(device), Frames * PageSize);
        PinAndCheck(pool, 1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            using var page = pool.Pin(1, PageType.Leaf);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void PinAndCheck(BufferPool pool, ulong pageId)
    {
        using var page = pool.Pin(pageId, PageType.Leaf);
        AssertPage(page.Span, pageId, 1, "pin");
    }

    /// <summary>Waits for the threads of a test, bounded (a broken pool may hang them: fail, do not hang the run).</summary>
    private static void WaitAll(Task[] tasks) =>
        Assert.True(Task.WaitAll(tasks, TimeSpan.FromSeconds(120)), "pins hang: a pin or a wait for a read never ends");

    /// <summary>
    /// One pin of <paramref name="pageId"/> starts reading it and is held in the read until
    /// <paramref name="waiters"/> more pins of it wait for that read; then the read goes on. The
    /// pins' tasks, first one first (each checks the page it got).
    /// </summary>
    private static Task[] PinsPiledOnOneRead(FaultInjectingPageDevice device, BufferPool pool, ulong pageId, int waiters)
    {
        var readStarted = new ManualResetEventSlim();
        var releaseRead = new ManualResetEventSlim();
        device.BeforeRead = _ =>
        {
            readStarted.Set();
            releaseRead.Wait();
        };

        var first = Task.Factory.StartNew(() => PinAndCheck(pool, pageId), TaskCreationOptions.LongRunning);
        Assert.True(readStarted.Wait(TimeSpan.FromSeconds(30)), "the first pin never read");
        var others = Enumerable.Range(0, waiters).Select(_ => Task.Factory.StartNew(() => PinAndCheck(pool, pageId), TaskCreationOptions.LongRunning));
        Task[] pins = [first, .. others];
        WaitForWaiters(pool, waiters);
        device.BeforeRead = null; // later reads run straight through
        releaseRead.Set();
        return pins;
    }

    /// <summary>Waits (bounded: 30 s, then fails) until <paramref name="count"/> threads wait for a read in progress.</summary>
    private static void WaitForWaiters(BufferPool pool, int count)
    {
        var spin = default(SpinWait);
        for (var turn = 0; pool.ReadWaiters < count; turn++)
        {
            Assert.True(turn < 30_000, $"{pool.ReadWaiters} of {count} pins wait for the read");
            spin.SpinOnce(sleep1Threshold: 1);
        }
    }

    /// <summary>A device holding pages 1..<paramref name="pages"/>, each written at version 1.</summary>
    private static FaultInjectingPageDevice DeviceWithPages(ulong pages)
    {
        var device = new FaultInjectingPageDevice();
        var file = new PageFile(device);
        var page = new byte[PageSize];
        for (var id = 1UL; id <= pages; id++)
        {
            Fill(page, id, 1);
            file.Write(id, page);
        }

        return device;
    }

    /// <summary>A leaf header and a body that differs at every byte between pages and versions (a torn or swapped frame shows).</summary>
    private static void Fill(Span<byte> page, ulong id, ulong version)
    {
        PageHeader.Initialize(page, PageType.Leaf, id, version);
        for (var i = PageHeader.Size; i < page.Length; i++)
        {
            page[i] = Body(id, version, i);
        }
    }

    private static void AssertPage(ReadOnlySpan<byte> page, ulong id, ulong version, string where)
    {
        Assert.True(PageHeader.ReadPageId(page) == id, $"{where}: frame holds page {PageHeader.ReadPageId(page)}, pinned {id}");
        Assert.True(PageHeader.ReadPageLsn(page) == version, $"{where}: page {id} at version {PageHeader.ReadPageLsn(page)}, expected {version}");
        for (var i = PageHeader.Size; i < page.Length; i++)
        {
            if (page[i] != Body(id, version, i))
            {
                Assert.Fail($"{where}: page {id} version {version} differs at byte {i}");
            }
        }
    }

    private static byte Body(ulong id, ulong version, int offset) => (byte)((id * 131) + (version * 17) + (ulong)offset + ((ulong)offset >> 8));
}
