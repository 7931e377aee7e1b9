using System.Collections.Concurrent;
using FastS3.Wal;
using FastS3.Wal.Device;
using FsCheck.Xunit;
using static FastS3.Wal.Tests.WalTestSupport;

namespace FastS3.Wal.Tests;

/// <summary>
/// Runs a concurrent workload on the fault device, takes a power-cut image at every flush point
/// (only flushed bytes survive; with tearing, also a random subset of unflushed sectors), and
/// reopens each image: every acknowledged record must be there with its exact bytes, nothing
/// beyond the torn point may be visible, and the log must accept appends again.
/// </summary>
public sealed class CrashSimulationTests
{
    // Bounds the work per run: each image is reopened and fully replayed.
    private const int MaxImagesPerRun = 60;

    [Fact]
    public async Task Crash_at_every_flush_point_keeps_acknowledged_records()
    {
        await RunCrashWorkload(seed: 20261125, tear: false, writers: 8, appendsPerWriter: 60, segmentBytes: SmallSegmentBytes);
    }

    [Fact]
    public async Task Crash_with_torn_unflushed_sectors_keeps_acknowledged_records()
    {
        await RunCrashWorkload(seed: 777, tear: true, writers: 8, appendsPerWriter: 60, segmentBytes: SmallSegmentBytes);
    }

    [Property(MaxTest = 12)]
    public void Random_workloads_survive_crashes_at_every_flush_point(int seed)
    {
        var random = new Random(seed);
        var writers = random.Next(1, 9);
        var appends = random.Next(5, 60);
        var segmentBytes = random.Next(2) == 0 ? SmallSegmentBytes : 128 << 10;
        try
        {
            RunCrashWorkload(seed, tear: random.Next(2) == 0, writers, appends, segmentBytes).GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException($"crash simulation failed with seed {seed} (writers {writers}, appends {appends}, segment {segmentBytes}): {exception.Message}", exception);
        }
    }

    private static async Task RunCrashWorkload(int seed, bool tear, int writers, int appendsPerWriter, int segmentBytes)
    {
        var device = new FaultInjectingWalDevice();
        var appended = new ConcurrentDictionary<ulong, byte[]>();
        var images = new ConcurrentQueue<(FaultInjectingWalDevice Image, ulong AckedLsn)>();
        long maxAckedLsn = 0;
        var tearRandom = new Random(seed);
        var options = Options(segmentBytes);

        using (var log = WriteAheadLog.Open(device, options))
        {
            device.AfterFlush = d =>
            {
                if (images.Count < MaxImagesPerRun)
                {
                    // The acknowledged bound is read before the image: anything acked by then was
                    // covered by an earlier, completed flush.
                    var acked = (ulong)Interlocked.Read(ref maxAckedLsn);
                    Random? rng;
                    lock (tearRandom)
                    {
                        rng = tear ? new Random(tearRandom.Next()) : null;
                    }

                    images.Enqueue((d.CrashCopy(rng), acked));
                }
            };

            var tasks = Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
            {
                var random = new Random(HashCode.Combine(seed, writer));
                for (var i = 0; i < appendsPerWriter; i++)
                {
                    var payload = Payload(((long)seed << 20) + (writer * 10_000) + i, random.Next(0, 3000));
                    var result = log.Append((byte)(1 + (i % 200)), payload);
                    Assert.Equal(WalStatus.Ok, result.Status);
                    appended[result.Lsn] = payload;
                    if (random.Next(3) != 0)
                    {
                        Assert.Equal(WalStatus.Ok, await log.WaitDurableAsync(result.Lsn));
                        InterlockedMax(ref maxAckedLsn, (long)result.Lsn);
                    }
                }
            })).ToArray();
            await Task.WhenAll(tasks);
            device.AfterFlush = null;
        }

        images.Enqueue((device.CrashCopy(), (ulong)appended.Count));
        foreach (var (image, ackedLsn) in images)
        {
            VerifyImage(image, ackedLsn, appended, segmentBytes, seed);
        }
    }

    private static void VerifyImage(FaultInjectingWalDevice image, ulong ackedLsn, ConcurrentDictionary<ulong, byte[]> appended, int segmentBytes, int seed)
    {
        ulong lastLsn;
        using (var log = WriteAheadLog.Open(image, Options(segmentBytes)))
        {
            var records = ReplayAll(log);
            // A dense prefix 1..n: nothing after the torn point is visible.
            for (var i = 0; i < records.Count; i++)
            {
                Assert.True((ulong)i + 1 == records[i].Lsn, $"seed {seed}: record {i} has LSN {records[i].Lsn}");
                Assert.True(appended[records[i].Lsn].AsSpan().SequenceEqual(records[i].Payload), $"seed {seed}: LSN {records[i].Lsn} bytes differ");
            }

            lastLsn = records.Count == 0 ? 0 : records[^1].Lsn;
            Assert.True(lastLsn >= ackedLsn, $"seed {seed}: acknowledged LSN {ackedLsn} lost; recovered through {lastLsn} ({log.Recovery.TailCase})");
            Assert.Equal(lastLsn, log.DurableLsn);

            // Restart works: append, flush, reopen clean.
            var next = log.Append(1, [1, 2, 3]);
            Assert.Equal(lastLsn + 1, next.Lsn);
            Assert.Equal(WalStatus.Ok, log.WaitDurableAsync(next.Lsn).AsTask().GetAwaiter().GetResult());
        }

        using var again = WriteAheadLog.Open(image.CrashCopy(), Options(segmentBytes));
        Assert.Equal(lastLsn + 1, again.DurableLsn);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
