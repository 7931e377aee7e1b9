using FastS3.Wal;
using FastS3.Wal.Device;
using static FastS3.Wal.Tests.WalTestSupport;

namespace FastS3.Wal.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task A_failed_fsync_fails_waiters_and_later_appends_and_is_never_retried()
    {
        var device = new FaultInjectingWalDevice();
        var messages = new List<string>();
        var options = new WalOptions { SegmentSizeBytes = SmallSegmentBytes, Log = m => { lock (messages) { messages.Add(m); } } };
        using (var log = WriteAheadLog.Open(device, options))
        {
            var kept = log.Append(1, Payload(1, 100));
            Assert.Equal(WalStatus.Ok, await log.WaitDurableAsync(kept.Lsn));

            device.FailFlushes = true;
            var lost = log.Append(1, Payload(2, 100));
            Assert.Equal(WalStatus.IoError, await log.WaitDurableAsync(lost.Lsn));
            device.FailFlushes = false; // "the error was cleared": a retry would now claim success

            Assert.Equal(WalStatus.IoError, log.Failure);
            Assert.Equal(WalStatus.IoError, log.Append(1, Payload(3, 100)).Status);
            Assert.Equal(WalStatus.IoError, await log.WaitDurableAsync(lost.Lsn));
            Assert.Equal(kept.Lsn, log.DurableLsn);
            Assert.Contains(messages, m => m.Contains("failed", StringComparison.Ordinal));
        }

        using var reopened = WriteAheadLog.Open(device.CrashCopy(), options);
        Assert.Equal(1UL, ReplayAll(reopened).Single().Lsn);
    }

    [Fact]
    public async Task Disk_full_on_segment_creation_returns_disk_full_and_the_log_stays_consistent()
    {
        var device = new FaultInjectingWalDevice { MaxSegmentFiles = 2 };
        var options = Options(prepareAhead: false);
        var results = new List<AppendResult>();
        using (var log = WriteAheadLog.Open(device, options))
        {
            AppendResult result;
            while ((result = log.Append(1, Payload(results.Count, 1500))).Status == WalStatus.Ok)
            {
                results.Add(result);
            }

            Assert.Equal(WalStatus.DiskFull, result.Status);
            Assert.Equal(WalStatus.Ok, log.Failure); // an operating condition, not a broken log
            Assert.Equal(WalStatus.Ok, await log.WaitDurableAsync(results[^1].Lsn));
            Assert.Equal(WalStatus.DiskFull, log.Append(1, Payload(-1, 1500)).Status); // still refused, nothing changed
            Assert.Equal(results[^1].Lsn, log.DurableLsn);

            device.MaxSegmentFiles = 10; // space freed
            var after = log.Append(1, Payload(999, 1500));
            Assert.Equal(WalStatus.Ok, after.Status);
            Assert.Equal(WalStatus.Ok, await log.WaitDurableAsync(after.Lsn));
            Assert.Equal(Payload(999, 1500), ReadBack(log, after.Location));
        }

        using var reopened = WriteAheadLog.Open(device.CrashCopy(), options);
        var records = ReplayAll(reopened);
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (ulong)i), records.Select(r => r.Lsn));
        Assert.True(records.Count > results.Count);
    }

    [Fact]
    public async Task Released_segments_are_recycled_and_reads_of_them_report_not_found()
    {
        using var dir = new TempDirectory();
        var device = new FileWalDevice(dir.Path);
        var sink = new RecordingSink();
        AppendResult first;
        using (var log = WriteAheadLog.Open(device, Options(sink: sink)))
        {
            first = log.Append(1, Payload(1, 1000));
            AppendResult last = first;
            while (log.ActiveSegmentId < 3)
            {
                last = log.Append(1, Payload(2, 1000));
            }

            await log.WaitDurableAsync(last.Lsn);
            Assert.Equal(WalStatus.Ok, log.AdvanceS3Hwm(sink.Sealed[0].LastLsn));
            Assert.Equal(WalStatus.Ok, log.ReleaseSegmentsThrough(1));
            Assert.Equal(WalStatus.WatermarkOutOfRange, log.ReleaseSegmentsThrough(3)); // the active one
            Assert.Equal(WalStatus.NotFound, log.Read(first.Location, new byte[1000]));
            Assert.Equal(1, device.RecycledCount);
        }

        using var reopened = WriteAheadLog.Open(new FileWalDevice(dir.Path), Options());
        Assert.Equal(2UL, reopened.SegmentIds[0]);
        Assert.True(ReplayAll(reopened).Count > 0);
    }
}
