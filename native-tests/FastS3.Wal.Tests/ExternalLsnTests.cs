using FastS3.Wal;
using FastS3.Wal.Device;
using static FastS3.Wal.Tests.WalTestSupport;

namespace FastS3.Wal.Tests;

public sealed class ExternalLsnTests
{
    private static WalOptions External(ISealedSegmentSink? sink = null) => Options(mode: WalLsnMode.External, sink: sink);

    [Fact]
    public async Task Caller_lsns_with_gaps_are_kept_and_duplicates_or_lower_are_refused_changing_nothing()
    {
        var device = new FaultInjectingWalDevice();
        using (var log = WriteAheadLog.Open(device, External()))
        {
            Assert.Equal(WalStatus.Ok, log.AppendAt(100, 1, Payload(100, 50)).Status);
            var second = log.AppendAt(250, 1, Payload(250, 50));
            Assert.Equal(250UL, second.Lsn);
            await log.WaitDurableAsync(250);

            Assert.Equal(WalStatus.LsnNotIncreasing, log.AppendAt(250, 1, Payload(1, 50)).Status); // duplicate
            Assert.Equal(WalStatus.LsnNotIncreasing, log.AppendAt(200, 1, Payload(1, 50)).Status); // out of order
            Assert.Equal(WalStatus.LsnNotIncreasing, log.AppendAt(0, 1, Payload(1, 50)).Status);
            Assert.Equal(WalStatus.WrongLsnMode, log.Append(1, Payload(1, 50)).Status);
            Assert.Equal(250UL, log.DurableLsn);

            Assert.Equal(WalStatus.Ok, log.AppendAt(251, 1, Payload(251, 50)).Status);
            await log.WaitDurableAsync(251);
        }

        using var reopened = WriteAheadLog.Open(device, External());
        var records = ReplayAll(reopened);
        Assert.Equal(new ulong[] { 100, 250, 251 }, records.Select(r => r.Lsn));
        Assert.Equal(Payload(250, 50), records[1].Payload);
        Assert.Equal(WalStatus.LsnNotIncreasing, reopened.AppendAt(251, 1, [1]).Status);
    }

    [Fact]
    public async Task TruncateSuffix_removes_the_suffix_durably_across_segments_and_survives_restart()
    {
        var device = new FaultInjectingWalDevice();
        ulong lsn = 10;
        using (var log = WriteAheadLog.Open(device, External()))
        {
            while (log.ActiveSegmentId < 4)
            {
                Assert.Equal(WalStatus.Ok, log.AppendAt(lsn, 1, Payload((long)lsn, 900)).Status);
                lsn += 10;
            }

            await log.WaitDurableAsync(lsn - 10);
            Assert.Equal(WalStatus.Ok, log.AdvanceLowWaterMark(200));
            Assert.Equal(WalStatus.BelowLowWaterMark, log.TruncateSuffix(150));

            // Cut inside segment 2 (sealed): it is reopened, segments 3 and 4 go.
            Assert.Equal(WalStatus.Ok, log.TruncateSuffix(1005));
            Assert.Equal(1000UL, log.DurableLsn);
            Assert.Equal(2UL, log.ActiveSegmentId);
            Assert.Equal(WalStatus.Ok, log.AppendAt(1001, 1, Payload(1001, 10)).Status);
            await log.WaitDurableAsync(1001);
        }

        using (var reopened = WriteAheadLog.Open(device.CrashCopy(), External()))
        {
            var lsns = ReplayAll(reopened).Select(r => r.Lsn).ToList();
            Assert.Equal(1001UL, lsns[^1]);
            Assert.DoesNotContain(1010UL, lsns);
            Assert.Equal(Enumerable.Range(1, 100).Select(i => (ulong)i * 10).Append(1001UL), lsns);
            Assert.Equal(200UL, reopened.LowWaterMark);
        }
    }

    [Fact]
    public async Task An_interrupted_truncation_is_finished_by_recovery()
    {
        var device = new FaultInjectingWalDevice();
        using (var log = WriteAheadLog.Open(device, External()))
        {
            for (ulong lsn = 1; lsn <= 20; lsn++)
            {
                log.AppendAt(lsn, 1, Payload((long)lsn, 100));
            }

            await log.WaitDurableAsync(20);
            device.FailFlushes = true; // the intent is persisted, the cut itself fails
            Assert.Equal(WalStatus.IoError, log.TruncateSuffix(12));
            device.FailFlushes = false;
        }

        using var reopened = WriteAheadLog.Open(device, External());
        Assert.Equal(12UL, reopened.DurableLsn);
        Assert.Equal(12UL, ReplayAll(reopened).Last().Lsn);
    }

    [Fact]
    public async Task Low_water_mark_and_s3_hwm_only_move_forward_within_bounds_and_are_persisted()
    {
        var device = new FaultInjectingWalDevice();
        using (var log = WriteAheadLog.Open(device, External()))
        {
            for (ulong lsn = 1; lsn <= 10; lsn++)
            {
                log.AppendAt(lsn, 1, [1]);
            }

            await log.WaitDurableAsync(10);
            Assert.Equal(WalStatus.WatermarkOutOfRange, log.AdvanceLowWaterMark(11)); // above durable
            Assert.Equal(WalStatus.Ok, log.AdvanceLowWaterMark(8));
            Assert.Equal(WalStatus.WatermarkOutOfRange, log.AdvanceLowWaterMark(7)); // backwards
            Assert.Equal(8UL, log.LowWaterMark);

            Assert.Equal(WalStatus.WatermarkOutOfRange, log.AdvanceS3Hwm(9)); // above LWM
            Assert.Equal(WalStatus.Ok, log.AdvanceS3Hwm(5));
            Assert.Equal(WalStatus.WatermarkOutOfRange, log.AdvanceS3Hwm(4));
            Assert.Equal(5UL, log.S3Hwm);

            device.FailMetadataWrites = true;
            Assert.Equal(WalStatus.IoError, log.AdvanceLowWaterMark(9));
            Assert.Equal(8UL, log.LowWaterMark); // unchanged when it could not be persisted
            device.FailMetadataWrites = false;
        }

        using var reopened = WriteAheadLog.Open(device.CrashCopy(), External());
        Assert.Equal(8UL, reopened.LowWaterMark);
        Assert.Equal(5UL, reopened.S3Hwm);
    }

    /// <summary>The log's sequencer with a low-water mark its owner holds (an engine applying an orchestrator's entries).</summary>
    [Fact]
    public async Task A_held_low_water_mark_over_the_sequencer_moves_only_when_told_and_is_persisted()
    {
        var device = new FaultInjectingWalDevice();
        var held = new WalOptions { SegmentSizeBytes = SmallSegmentBytes, HoldLowWaterMark = true };
        using (var log = WriteAheadLog.Open(device, held))
        {
            Assert.Equal(0UL, log.LastAssignedLsn);
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(WalStatus.Ok, log.Append(1, [1]).Status);
            }

            Assert.Equal(10UL, log.LastAssignedLsn);
            await log.WaitDurableAsync(10);
            Assert.Equal(0UL, log.LowWaterMark); // not the durable LSN
            Assert.Equal(WalStatus.WatermarkOutOfRange, log.AdvanceLowWaterMark(11));
            Assert.Equal(WalStatus.Ok, log.AdvanceLowWaterMark(6));
            Assert.Equal(WalStatus.WatermarkOutOfRange, log.AdvanceS3Hwm(7)); // S3_HWM <= LWM
        }

        using (var reopened = WriteAheadLog.Open(device.CrashCopy(), held))
        {
            Assert.Equal(6UL, reopened.LowWaterMark);
        }

        using var standalone = WriteAheadLog.Open(device.CrashCopy(), Options());
        Assert.Equal(WalStatus.WrongLsnMode, standalone.AdvanceLowWaterMark(8));
        Assert.Equal(10UL, standalone.LowWaterMark);
    }

    [Fact]
    public async Task Sealed_segments_reach_the_sink_only_once_at_or_below_the_low_water_mark()
    {
        var sink = new RecordingSink();
        using var log = WriteAheadLog.Open(new FaultInjectingWalDevice(), External(sink));
        ulong lsn = 1;
        while (log.ActiveSegmentId < 3)
        {
            log.AppendAt(lsn++, 1, Payload((long)lsn, 900));
        }

        await log.WaitDurableAsync(lsn - 1);
        Assert.Empty(sink.Sealed);
        Assert.Equal(WalStatus.Ok, log.AdvanceLowWaterMark(lsn - 1));
        Assert.Equal(new ulong[] { 1, 2 }, sink.Sealed.Select(s => s.SegmentId));
    }

    [Fact]
    public void Standalone_mode_refuses_orchestrator_operations()
    {
        using var log = WriteAheadLog.Open(new FaultInjectingWalDevice(), Options());
        Assert.Equal(WalStatus.WrongLsnMode, log.AdvanceLowWaterMark(1));
        Assert.Equal(WalStatus.WrongLsnMode, log.TruncateSuffix(0));
    }
}
