namespace FastS3.Segments.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Reads_stay_exact_while_the_healer_rewrites_the_shards_they_use()
    {
        using var dirs = new TempDirectories(4);
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 2, 512));
        var segment = SegmentBytes.Make(40_000, 11);
        Assert.True(store.WriteShards(3, segment).IsSuccess);
        var healer = new Healer(store);
        using var stop = new CancellationTokenSource();

        var reader = Task.Run(() =>
        {
            var random = new Random(11);
            var reads = 0;
            while (!stop.IsCancellationRequested || reads < 50)
            {
                var offset = random.Next(segment.Length);
                SegmentBytes.AssertReads(store, 3, segment, offset, random.Next(segment.Length - offset + 1), SegmentReadStatus.Read, SegmentReadStatus.Reconstructed);
                reads++;
            }
        });

        for (var round = 0; round < 20; round++)
        {
            var shard = round % 4;
            File.Delete(store.Layout.ShardPath(3, shard));
            Assert.Equal(SegmentHealStatus.Healed, healer.HealSegment(3).Status);
        }

        await stop.CancelAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
