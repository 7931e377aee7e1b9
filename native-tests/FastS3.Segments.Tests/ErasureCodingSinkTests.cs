using FastS3.Wal;

namespace FastS3.Segments.Tests;

public sealed class ErasureCodingSinkTests
{
    [Fact]
    public async Task Sealed_segments_are_coded_in_order_on_one_thread_with_back_pressure()
    {
        using var dirs = new TempDirectories(3);
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 1, 256));
        var segments = Enumerable.Range(0, 5).Select(i => SegmentBytes.Make(2000 + i, i)).ToArray();
        var walDir = Path.Combine(dirs.Root, "wal");
        Directory.CreateDirectory(walDir);
        for (var i = 0; i < segments.Length; i++)
        {
            File.WriteAllBytes(Path.Combine(walDir, i + ".seg"), segments[i]);
        }

        using var gate = new ManualResetEventSlim(false);
        var written = new List<ulong>();
        var threads = new HashSet<int>();
        using var sink = new ErasureCodingSink(
            store,
            id =>
            {
                gate.Wait(); // the coder stalls until the test opens the gate
                return Path.Combine(walDir, id + ".seg");
            },
            capacity: 1,
            onWritten: (info, result) =>
            {
                Assert.True(result.IsSuccess);
                lock (written)
                {
                    written.Add(info.SegmentId);
                    threads.Add(Environment.CurrentManagedThreadId);
                }
            });

        sink.OnSegmentSealed(Info(0, segments[0])); // taken by the coder, which stalls
        SpinWait.SpinUntil(() => sink.PendingCount == 0, TimeSpan.FromSeconds(5));
        sink.OnSegmentSealed(Info(1, segments[1])); // fills the one-slot queue
        var third = Task.Run(() => sink.OnSegmentSealed(Info(2, segments[2])));
        Assert.False(third.Wait(TimeSpan.FromMilliseconds(200)), "a full queue must block the sealing thread");

        gate.Set();
        await third.WaitAsync(TimeSpan.FromSeconds(10));
        sink.OnSegmentSealed(Info(3, segments[3]));
        sink.OnSegmentSealed(Info(4, segments[4]));
        sink.Complete();
        await sink.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([0UL, 1, 2, 3, 4], written);
        Assert.Single(threads);
        Assert.Equal(4, sink.LastWrittenSegmentId);
        Assert.Equal(0, sink.FailedSegments);
        for (var i = 0; i < segments.Length; i++)
        {
            SegmentBytes.AssertReads(store, (ulong)i, segments[i], 0, segments[i].Length, SegmentReadStatus.Read);
        }
    }

    [Fact]
    public async Task A_segment_that_cannot_be_read_is_counted_and_later_ones_still_coded()
    {
        using var dirs = new TempDirectories(2);
        var store = ErasureSegmentStore.Open(dirs.Layout(1, 1, 64));
        var good = Path.Combine(dirs.Root, "good.seg");
        File.WriteAllBytes(good, SegmentBytes.Make(100, 1));
        using var sink = new ErasureCodingSink(store, id => id == 0 ? Path.Combine(dirs.Root, "missing.seg") : good);

        sink.OnSegmentSealed(new SealedSegmentInfo(0, 1, 1, 1, 100));
        sink.OnSegmentSealed(new SealedSegmentInfo(1, 2, 2, 1, 100));
        sink.Complete();
        await sink.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, sink.FailedSegments);
        Assert.Equal(1, sink.LastWrittenSegmentId);
        Assert.Equal(SegmentReadStatus.NotFound, store.Read(0, 0, new byte[1]).Status);
    }

    private static SealedSegmentInfo Info(int id, byte[] bytes) => new((ulong)id, (ulong)id * 10, ((ulong)id * 10) + 9, 10, bytes.Length);
}
