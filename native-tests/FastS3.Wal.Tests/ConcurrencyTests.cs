using System.Collections.Concurrent;
using FastS3.Wal;
using FastS3.Wal.Device;
using static FastS3.Wal.Tests.WalTestSupport;

namespace FastS3.Wal.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Sixty_four_writers_get_dense_unique_lsns_exact_bytes_and_durable_acks()
    {
        const int Writers = 64;
        const int PerWriter = 150;
        var device = new FaultInjectingWalDevice();
        var appended = new ConcurrentDictionary<ulong, (byte[] Payload, WalLocation Location)>();
        var earlyAcks = 0;
        using (var log = WriteAheadLog.Open(device, Options(segmentBytes: 256 << 10)))
        {
            var tasks = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                var random = new Random(writer);
                for (var i = 0; i < PerWriter; i++)
                {
                    var payload = Payload((writer * 100_000) + i, random.Next(1, 2048));
                    var result = log.Append(2, payload);
                    Assert.Equal(WalStatus.Ok, result.Status);
                    Assert.True(appended.TryAdd(result.Lsn, (payload, result.Location)), $"duplicate LSN {result.Lsn}");
                    if (i % 3 == 0)
                    {
                        Assert.Equal(WalStatus.Ok, await log.WaitDurableAsync(result.Lsn));
                        if (log.DurableLsn < result.Lsn)
                        {
                            Interlocked.Increment(ref earlyAcks);
                        }
                    }
                }
            })).ToArray();
            await Task.WhenAll(tasks);

            Assert.Equal(0, earlyAcks);
            Assert.Equal(Writers * PerWriter, appended.Count);
            Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(i => (ulong)i), appended.Keys.Order());
            Assert.Equal(WalStatus.Ok, await log.WaitDurableAsync((ulong)appended.Count));
            foreach (var (_, (payload, location)) in appended)
            {
                Assert.Equal(payload, ReadBack(log, location));
            }

            // Group commit: far fewer flushes than records.
            Assert.True(log.FlushCount < appended.Count / 2, $"{log.FlushCount} flushes for {appended.Count} records");
        }

        // Everything acknowledged is in the durable image: power loss right now keeps it all.
        using var reopened = WriteAheadLog.Open(device.CrashCopy(), Options(segmentBytes: 256 << 10));
        var records = ReplayAll(reopened);
        Assert.Equal(appended.Count, records.Count);
        foreach (var record in records)
        {
            Assert.Equal(appended[record.Lsn].Payload, record.Payload);
        }
    }

    [Fact]
    public async Task A_waiter_completes_only_after_the_flush_that_covers_it()
    {
        var device = new FaultInjectingWalDevice();
        var gate = new ManualResetEventSlim(false);
        var flushesSeen = 0;
        using var log = WriteAheadLog.Open(device, Options());
        device.AfterFlush = _ =>
        {
            if (Interlocked.Increment(ref flushesSeen) == 1)
            {
                gate.Wait(TimeSpan.FromSeconds(10)); // hold the first group commit open
            }
        };
        var result = log.Append(1, Payload(1, 100));
        var wait = log.WaitDurableAsync(result.Lsn).AsTask();
        await Task.Delay(100);
        Assert.False(wait.IsCompleted, "acknowledged before its flush finished");
        gate.Set();
        Assert.Equal(WalStatus.Ok, await wait);
        Assert.True(log.DurableLsn >= result.Lsn);
    }

    [Fact]
    public async Task Waiters_complete_in_lsn_order()
    {
        using var log = WriteAheadLog.Open(new FaultInjectingWalDevice(), Options());
        var order = new ConcurrentQueue<ulong>();
        var results = Enumerable.Range(0, 50).Select(i => log.Append(1, Payload(i, 10))).ToArray();
        var waits = results.Reverse().Select(async r =>
        {
            var vt = log.WaitDurableAsync(r.Lsn);
            if (vt.IsCompleted)
            {
                return;
            }

            await vt;
            order.Enqueue(r.Lsn);
        }).ToArray();
        await Task.WhenAll(waits);
        Assert.Equal(50UL, log.DurableLsn);
    }

    [Fact]
    public async Task Durability_os_acknowledges_without_flushing()
    {
        var device = new FaultInjectingWalDevice();
        using var log = WriteAheadLog.Open(device, Options(durability: Durability.Os));
        var flushesAfterOpen = device.FlushCount;
        var result = log.Append(1, Payload(1, 100));
        Assert.Equal(WalStatus.Ok, await log.WaitDurableAsync(result.Lsn));
        Assert.Equal(flushesAfterOpen, device.FlushCount);
    }
}
