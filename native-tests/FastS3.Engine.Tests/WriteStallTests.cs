using FastS3.Common.Errors;
using FastS3.Storage;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>
/// Back-pressure: when the log outgrows its budget (live bytes / live fraction plus a few
/// segments, times the stall ratio) body writes wait for the compactor, which they wake; a stall
/// that compaction cannot end answers SlowDown, and nothing acknowledged is lost either way.
/// </summary>
public sealed class WriteStallTests
{
    private const int SegmentBytes = 64 << 10;

    [Fact]
    public async Task Writes_stall_wake_the_compactor_and_the_log_stays_bounded()
    {
        var disk = new SimulatedDisk();
        var options = Options(interval: TimeSpan.FromDays(1), timeout: TimeSpan.FromSeconds(60)); // the compactor runs only when woken
        var model = new Dictionary<string, byte[]>();
        long peakLogBytes = 0;
        await using (var store = disk.Open(options))
        {
            await CreateBucketAsync(store, "b");
            for (var i = 0; i < 240; i++)
            {
                var key = $"k{i % 4}";
                model[key] = Body(i, 9_000);
                var put = await PutAsync(store, "b", key, model[key]);
                Assert.True(put.IsSuccess, $"PUT {i}: {put.Error} {put.Message}");
                peakLogBytes = Math.Max(peakLogBytes, store.SegmentIds.Count * (long)SegmentBytes);
            }

            // 240 x 9 KB written over 36 KB live: without the stall the log would hold ~2.2 MB
            // (34 segments). The budget is 36 KB / 0.5 + 4 segments = 328 KB.
            // Whether a write then waits depends on who runs first, the writer or the woken compactor.
            Assert.True(store.StallEpisodes > 0, "the log outgrew its budget: the stall must have begun");
            Assert.True(peakLogBytes <= 10L * SegmentBytes, $"the log reached {peakLogBytes >> 10} KiB");
            Assert.True(store.GetStatistics().CompactionSegmentsReleased > 0);
            foreach (var (key, bytes) in model)
            {
                Assert.Equal(bytes, await GetBytesAsync(store, "b", key));
            }
        }

        await using var reopened = disk.Open(options);
        foreach (var (key, bytes) in model)
        {
            Assert.Equal(bytes, await GetBytesAsync(reopened, "b", key));
        }
    }

    [Fact]
    public async Task A_stall_compaction_cannot_end_answers_SlowDown_and_loses_nothing()
    {
        var disk = new SimulatedDisk();
        var options = Options(interval: TimeSpan.FromDays(1), timeout: TimeSpan.FromMilliseconds(200));
        await using var store = disk.Open(options);
        await CreateBucketAsync(store, "b");

        // A body half streamed pins the oldest segment: compaction may copy, but it cannot release.
        var stuck = store.BeginPut("b", "stuck").Value!;
        Assert.True((await stuck.WriteAsync(Body(1, 20_000), default)).IsSuccess); // two full 8 KiB chunks reach the log

        var acknowledged = new Dictionary<string, byte[]>();
        StoreResult<ObjectInfo>? refused = null;
        for (var i = 0; i < 400 && refused is null; i++)
        {
            var body = Body(100 + i, 9_000);
            var put = await PutAsync(store, "b", $"k{i % 4}", body);
            if (put.IsSuccess)
            {
                acknowledged[$"k{i % 4}"] = body;
            }
            else
            {
                refused = put;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(S3ErrorCode.SlowDown, refused.Value.Error);
        Assert.True(store.WritesStalled);
        foreach (var (key, bytes) in acknowledged)
        {
            Assert.Equal(bytes, await GetBytesAsync(store, "b", key)); // the refused PUT left the old version
        }

        // The pin goes: compaction can release, the stall ends, writes are accepted again.
        await stuck.DisposeAsync();
        for (var pass = 0; pass < 20 && store.WritesStalled; pass++)
        {
            store.Compact(force: true);
        }

        Assert.False(store.WritesStalled);
        Assert.True((await PutAsync(store, "b", "after", Body(7, 9_000))).IsSuccess);
    }

    private static EngineOptions Options(TimeSpan interval, TimeSpan timeout) => new()
    {
        SegmentSizeBytes = SegmentBytes,
        ChunkSizeBytes = 8 << 10,
        CheckpointInterval = TimeSpan.Zero,
        CompactionInterval = interval,
        CompactionLiveFraction = 0.5,
        CompactionStallRatio = 1.0,
        CompactionStallTimeout = timeout,
        IndexBufferPoolBytes = IndexPoolBytes,
    };
}
