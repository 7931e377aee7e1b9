using FastS3.Wal;

namespace FastS3.Segments.Tests;

/// <summary>The store as the WAL's <see cref="ISealedSegmentReader"/>, and the coder reporting durable shards to the log.</summary>
public sealed class SealedSegmentReaderTests
{
    [Fact]
    public void Reads_map_to_wal_statuses_and_drop_removes_every_shard()
    {
        using var dirs = new TempDirectories(5);
        var store = ErasureSegmentStore.Open(dirs.Layout(3, 2, 256));
        ISealedSegmentReader reader = store;
        var bytes = SegmentBytes.Make(5000, 9);
        Assert.True(store.WriteShards(7, bytes).IsSuccess);
        Assert.True(store.WriteShards(8, bytes).IsSuccess);

        var destination = new byte[1000];
        Assert.Equal(SealedSegmentReadStatus.Ok, reader.Read(7, 1234, destination));
        Assert.Equal(bytes.AsSpan(1234, 1000).ToArray(), destination);
        Assert.Equal(SealedSegmentReadStatus.OutOfRange, reader.Read(7, 4500, destination));
        Assert.Equal(SealedSegmentReadStatus.NotFound, reader.Read(99, 0, destination));
        Assert.Equal([7UL, 8UL], reader.ListSegments());
        Assert.True(reader.IsReadable(7));

        // m = 2 files gone: still readable; m + 1: the cheap check and the read both say so.
        File.Delete(store.Layout.ShardPath(7, 0));
        File.Delete(store.Layout.ShardPath(7, 3));
        Assert.True(reader.IsReadable(7));
        Assert.Equal(SealedSegmentReadStatus.Ok, reader.Read(7, 0, destination));
        Assert.Equal(bytes.AsSpan(0, 1000).ToArray(), destination);
        File.Delete(store.Layout.ShardPath(7, 4));
        Assert.False(reader.IsReadable(7));
        Assert.Equal(SealedSegmentReadStatus.Unrecoverable, reader.Read(7, 0, destination));

        reader.Drop(8);
        Assert.All(Enumerable.Range(0, 5), shard => Assert.False(File.Exists(store.Layout.ShardPath(8, shard))));
        Assert.Equal([7UL], reader.ListSegments());
    }

    [Fact]
    public async Task The_coder_reports_each_durable_segment_to_the_attached_log()
    {
        using var dirs = new TempDirectories(3);
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 1, 256));
        var file = Path.Combine(dirs.Root, "segment");
        File.WriteAllBytes(file, SegmentBytes.Make(3000, 4));
        var log = new RecordingTarget();
        using var sink = new ErasureCodingSink(store, id => id == 2 ? Path.Combine(dirs.Root, "missing") : file);
        ((ISealedSegmentSink)sink).OnLogOpened(log);

        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            sink.OnSegmentSealed(new SealedSegmentInfo(id, id, id, 1, 3000));
        }

        sink.Complete();
        await sink.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([1UL, 3UL], log.Offloaded); // segment 2 was not written: the log keeps it
        Assert.Equal(2, sink.OffloadedSegments);
    }

    [Fact]
    public async Task A_segment_that_failed_while_a_directory_was_down_is_coded_again_on_retry()
    {
        using var dirs = new TempDirectories(3);
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 1, 256));
        var file = Path.Combine(dirs.Root, "segment");
        var bytes = SegmentBytes.Make(3000, 5);
        File.WriteAllBytes(file, bytes);
        var log = new RecordingTarget();
        using var sink = new ErasureCodingSink(store, _ => file);
        ((ISealedSegmentSink)sink).OnLogOpened(log);
        Directory.Delete(dirs.Directories[1]);

        sink.OnSegmentSealed(new SealedSegmentInfo(4, 1, 9, 9, bytes.Length));
        Assert.True(SpinWait.SpinUntil(() => sink.FailedSegments == 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(1, sink.RetryableCount);
        Assert.Empty(log.Offloaded);

        Directory.CreateDirectory(dirs.Directories[1]); // the drive is back (a rebuild recreates it)
        Assert.Equal(1, sink.RetryFailed());
        sink.Complete();
        await sink.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([4UL], log.Offloaded);
        Assert.Equal(0, sink.RetryableCount);
        SegmentBytes.AssertReads(store, 4, bytes, 0, bytes.Length, SegmentReadStatus.Read);
    }

    private sealed class RecordingTarget : ISegmentOffloadTarget
    {
        public List<ulong> Offloaded { get; } = [];

        public WalStatus OffloadSegment(ulong segmentId)
        {
            Offloaded.Add(segmentId);
            return WalStatus.Ok;
        }
    }
}
