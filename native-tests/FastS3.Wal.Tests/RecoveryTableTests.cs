using System.Buffers.Binary;
using FastS3.Wal;
using FastS3.Wal.Device;
using FastS3.Wal.Format;
using static FastS3.Wal.Tests.WalTestSupport;

namespace FastS3.Wal.Tests;

/// <summary>One test per row of the recovery decision table.</summary>
public sealed class RecoveryTableTests
{
    [Fact]
    public void Empty_log_opens_with_a_fresh_first_segment()
    {
        var device = new FaultInjectingWalDevice();

        // No segment prepared ahead: the spare file (segment 2) would race the listing below.
        using var log = WriteAheadLog.Open(device, Options(prepareAhead: false));
        Assert.Equal(RecoveryCase.EmptyLog, log.Recovery.TailCase);
        Assert.Equal(0UL, log.DurableLsn);
        Assert.Equal([1UL], log.SegmentIds);
        Assert.Equal([1UL], device.ListSegmentIds());
        Assert.Equal(1UL, log.Append(1, [1]).Lsn);
    }

    [Fact]
    public async Task Clean_shutdown_recovers_every_record()
    {
        var (device, results) = await WriteRecords(5);
        using var log = WriteAheadLog.Open(device.CrashCopy(), Options());
        Assert.Equal(RecoveryCase.CleanTail, log.Recovery.TailCase);
        Assert.Equal(results.Select(r => r.Lsn), ReplayAll(log).Select(r => r.Lsn));
        Assert.Equal(6UL, log.Append(1, [1]).Lsn);
    }

    [Fact]
    public async Task Tail_torn_record_header_truncates_at_that_record()
    {
        var (device, results) = await WriteRecords(5);
        device.Overwrite(1, HeaderOffset(results[3]), [0xDE, 0xAD]); // magic torn
        AssertTruncatedAt(device, RecoveryCase.TailTornRecord, results, keep: 3);
    }

    [Fact]
    public async Task Tail_crc_bad_truncates_at_that_record()
    {
        var (device, results) = await WriteRecords(5);
        device.FlipBit(1, results[4].Location.Offset + 17, 3);
        AssertTruncatedAt(device, RecoveryCase.TailCrcBad, results, keep: 4);
    }

    [Fact]
    public async Task Tail_truncated_payload_truncates_at_that_record()
    {
        var (device, results) = await WriteRecords(5);
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, 10_000_000); // runs past the segment
        device.Overwrite(1, HeaderOffset(results[2]) + 8, length);
        AssertTruncatedAt(device, RecoveryCase.TailTruncatedPayload, results, keep: 2);
    }

    [Fact]
    public async Task Tail_lsn_not_monotonic_truncates_at_that_record()
    {
        var (device, results) = await WriteRecords(5);
        // A well-formed record (valid CRC) whose LSN goes backwards.
        var image = device.ReadDurable(1);
        var offset = HeaderOffset(results[3]);
        var record = image.AsSpan(offset, WalRecordHeader.Size + results[3].Location.LengthBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(record[16..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], 0);
        WalRecordHeader.Seal(record);
        device.Overwrite(1, offset, record);
        AssertTruncatedAt(device, RecoveryCase.TailLsnNotMonotonic, results, keep: 3);
    }

    [Fact]
    public async Task Tail_torn_segment_header_resets_the_segment()
    {
        var (device, _) = await WriteRecords(3);
        device.Overwrite(1, 3, [0x55]);
        using var log = WriteAheadLog.Open(device, Options());
        Assert.Equal(RecoveryCase.TailTornHeader, log.Recovery.TailCase);
        Assert.Empty(ReplayAll(log));
        Assert.Equal(1UL, log.Append(1, [1]).Lsn);
    }

    [Fact]
    public async Task Tail_stale_record_of_a_recycled_file_is_not_believed()
    {
        // Segment 1 filled with 1000-byte records, released, its file recycled as segment 4;
        // the same record size makes stale records line up exactly where the new chain ends.
        var device = new FaultInjectingWalDevice();
        var options = new WalOptions { SegmentSizeBytes = SmallSegmentBytes, PrepareSegmentsAhead = false, SealedSegmentSink = null };
        ulong lastLsn;
        using (var log = WriteAheadLog.Open(device, options))
        {
            while (log.ActiveSegmentId < 3)
            {
                log.Append(1, Payload(1, 1000));
            }

            lastLsn = log.Append(1, Payload(1, 1000)).Lsn;
            await log.WaitDurableAsync(lastLsn);
            Assert.Equal(WalStatus.Ok, log.ReleaseSegmentsThrough(1));
            Assert.Equal(1, device.RecycledCount);
            while (log.ActiveSegmentId < 4)
            {
                lastLsn = log.Append(1, Payload(1, 1000)).Lsn;
            }

            Assert.Equal(0, device.RecycledCount); // segment 4 reused segment 1's file
            for (var i = 0; i < 5; i++)
            {
                lastLsn = log.Append(1, Payload(2, 1000)).Lsn; // end the chain past the zeroed first page
            }

            await log.WaitDurableAsync(lastLsn);
        }

        using var reopened = WriteAheadLog.Open(device, options);
        Assert.Equal(RecoveryCase.TailStaleRecord, reopened.Recovery.TailCase);
        Assert.Equal(lastLsn, reopened.DurableLsn);
        Assert.Equal(lastLsn, ReplayAll(reopened).Last().Lsn);
    }

    [Fact]
    public async Task Bad_record_in_a_sealed_segment_is_a_named_error_with_segment_and_offset()
    {
        var device = new FaultInjectingWalDevice();
        var results = new List<AppendResult>();
        using (var log = WriteAheadLog.Open(device, Options()))
        {
            while (log.ActiveSegmentId < 3)
            {
                results.Add(log.Append(1, Payload(results.Count, 900)));
            }

            await log.WaitDurableAsync(results[^1].Lsn);
        }

        var victim = results.First(r => r.Location.SegmentId == 1 && r.Lsn == 5);
        device.FlipBit(1, victim.Location.Offset + 100, 0);
        var eager = new WalOptions { SegmentSizeBytes = SmallSegmentBytes, SealedVerification = SealedVerification.OnOpen };
        var error = Assert.Throws<WalCorruptionException>(() => WriteAheadLog.Open(device, eager));
        Assert.Equal(RecoveryCase.SealedBadRecord, error.Case);
        Assert.Equal(1UL, error.SegmentId);
        Assert.Equal(HeaderOffset(victim), error.Offset);

        // Background verification: the log opens on footers alone, and the scrubber names the same record.
        var reported = new List<WalCorruptionException>();
        var lines = new List<string>();
        var background = new WalOptions { SegmentSizeBytes = SmallSegmentBytes, SealedSegmentCorrupt = reported.Add, Log = lines.Add };
        using var scrubbed = WriteAheadLog.Open(device, background);
        Assert.True(scrubbed.Recovery.BytesScanned < SmallSegmentBytes, $"open walked {scrubbed.Recovery.BytesScanned} bytes: sealed chains were scanned");
        await scrubbed.Scrub.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, scrubbed.Scrub.SegmentsToVerify);
        Assert.Equal(2, scrubbed.Scrub.SegmentsVerified);
        var found = Assert.Single(scrubbed.Scrub.Corrupt);
        Assert.Equal(RecoveryCase.SealedBadRecord, found.Case);
        Assert.Equal(1UL, found.SegmentId);
        Assert.Equal(HeaderOffset(victim), found.Offset);
        Assert.Same(found, Assert.Single(reported));
        Assert.Contains(lines, l => l.Contains("WAL scrub", StringComparison.Ordinal) && l.Contains("segment 1", StringComparison.Ordinal));

        // Replay reads the bad record again and refuses it by name too.
        Assert.Throws<WalCorruptionException>(() =>
        {
            foreach (var record in scrubbed.Replay())
            {
                _ = record.Lsn;
            }
        });
    }

    [Fact]
    public async Task Background_verification_passes_a_clean_log_and_open_scans_only_the_tail()
    {
        var device = await SealedLog();
        using var log = WriteAheadLog.Open(device, Options());
        Assert.True(log.Recovery.BytesScanned < SmallSegmentBytes);
        await log.Scrub.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(log.Scrub.Corrupt);
        Assert.True(log.Scrub.SegmentsToVerify >= 2);
        Assert.Equal(log.Scrub.SegmentsToVerify, log.Scrub.SegmentsVerified);
        Assert.True(log.Scrub.BytesVerified > SmallSegmentBytes, $"{log.Scrub.BytesVerified} bytes verified");
    }

    [Fact]
    public async Task Corrupt_footer_is_a_named_error()
    {
        var device = await SealedLog();
        device.FlipBit(1, SmallSegmentBytes - 10, 1);
        var error = Assert.Throws<WalCorruptionException>(() => WriteAheadLog.Open(device, Options()));
        Assert.Equal(RecoveryCase.CorruptFooter, error.Case);
    }

    [Fact]
    public async Task Missing_middle_segment_is_a_named_error()
    {
        var device = await SealedLog();
        device.DeleteSegmentFile(2);
        var error = Assert.Throws<WalCorruptionException>(() => WriteAheadLog.Open(device, Options()));
        Assert.Equal(RecoveryCase.MissingSegment, error.Case);
    }

    [Fact]
    public async Task Unsealed_segments_after_the_tail_are_discarded()
    {
        var device = await SealedLog();
        // Seal of segment 2 lost (footer never written back) while segment 3's header made it.
        device.Overwrite(2, SmallSegmentBytes - SealFooter.RecordSizeBytes, new byte[SealFooter.RecordSizeBytes]);
        using var log = WriteAheadLog.Open(device, Options());
        Assert.Contains(log.Recovery.Decisions, d => d.Case == RecoveryCase.DiscardedAfterTail && d.SegmentId == 3);
        Assert.Equal(2UL, log.ActiveSegmentId);
    }

    [Fact]
    public void Decide_covers_every_row()
    {
        static SegmentScan Scan(SegmentScan.PartState header, SegmentScan.PartState footer, WalRecordCheck stop = WalRecordCheck.Ok, bool lsnBad = false) =>
            new() { Header = header, Footer = footer, ChainStop = stop, LsnNotMonotonic = lsnBad };
        const SegmentScan.PartState Valid = SegmentScan.PartState.Valid, Zero = SegmentScan.PartState.Zero, Invalid = SegmentScan.PartState.Invalid;

        Assert.Equal(RecoveryCase.CorruptFooter, WriteAheadLog.Decide(Scan(Valid, Invalid)));
        Assert.Equal(RecoveryCase.SealedBadHeader, WriteAheadLog.Decide(Scan(Invalid, Valid)));
        Assert.Equal(RecoveryCase.SealedBadRecord, WriteAheadLog.Decide(Scan(Valid, Valid, WalRecordCheck.BadCrc)));
        Assert.Equal(RecoveryCase.SealedBadRecord, WriteAheadLog.Decide(Scan(Valid, Valid, lsnBad: true)));
        Assert.Equal(RecoveryCase.SealedTail, WriteAheadLog.Decide(Scan(Valid, Valid)));
        Assert.Equal(RecoveryCase.EmptyTailSegment, WriteAheadLog.Decide(Scan(Zero, Zero)));
        Assert.Equal(RecoveryCase.TailTornHeader, WriteAheadLog.Decide(Scan(Invalid, Zero)));
        Assert.Equal(RecoveryCase.CleanTail, WriteAheadLog.Decide(Scan(Valid, Zero)));
        Assert.Equal(RecoveryCase.TailTornRecord, WriteAheadLog.Decide(Scan(Valid, Zero, WalRecordCheck.BadMagic)));
        Assert.Equal(RecoveryCase.TailCrcBad, WriteAheadLog.Decide(Scan(Valid, Zero, WalRecordCheck.BadCrc)));
        Assert.Equal(RecoveryCase.TailTruncatedPayload, WriteAheadLog.Decide(Scan(Valid, Zero, WalRecordCheck.BadLength)));
        Assert.Equal(RecoveryCase.TailStaleRecord, WriteAheadLog.Decide(Scan(Valid, Zero, WalRecordCheck.WrongSegment)));
        Assert.Equal(RecoveryCase.TailLsnNotMonotonic, WriteAheadLog.Decide(Scan(Valid, Zero, lsnBad: true)));
    }

    [Fact]
    public async Task Recovery_reports_progress()
    {
        var (device, _) = await WriteRecords(20);
        var reports = new List<WalRecoveryProgress>();
        using var log = WriteAheadLog.Open(device, new WalOptions { SegmentSizeBytes = SmallSegmentBytes, RecoveryProgress = reports.Add });
        var last = Assert.Single(reports);
        Assert.Equal(20, last.RecordsScanned);
        Assert.True(last.BytesScanned > 20 * 500);
        Assert.InRange(last.Percent, 0.1, 100);
    }

    private static int HeaderOffset(AppendResult result) => result.Location.Offset - WalRecordHeader.Size;

    private static async Task<(FaultInjectingWalDevice Device, List<AppendResult> Results)> WriteRecords(int count)
    {
        var device = new FaultInjectingWalDevice();
        var results = new List<AppendResult>();
        using (var log = WriteAheadLog.Open(device, Options()))
        {
            for (var i = 0; i < count; i++)
            {
                results.Add(log.Append(1, Payload(i, 500 + i)));
            }

            Assert.Equal(WalStatus.Ok, await log.WaitDurableAsync(results[^1].Lsn));
        }

        return (device, results);
    }

    private static async Task<FaultInjectingWalDevice> SealedLog()
    {
        var device = new FaultInjectingWalDevice();
        using var log = WriteAheadLog.Open(device, Options());
        AppendResult last = default;
        while (log.ActiveSegmentId < 3)
        {
            last = log.Append(1, Payload(1, 900));
        }

        await log.WaitDurableAsync(last.Lsn);
        return device;
    }

    private static void AssertTruncatedAt(FaultInjectingWalDevice device, RecoveryCase expected, List<AppendResult> results, int keep)
    {
        using (var log = WriteAheadLog.Open(device, Options()))
        {
            Assert.Equal(expected, log.Recovery.TailCase);
            Assert.Equal(HeaderOffset(results[keep]), log.Recovery.Decisions.Single(d => d.SegmentId == 1).Offset);
            var records = ReplayAll(log);
            Assert.Equal(results.Take(keep).Select(r => r.Lsn), records.Select(r => r.Lsn));
            for (var i = 0; i < keep; i++)
            {
                Assert.Equal(Payload(i, 500 + i), records[i].Payload);
            }

            // The garbage is gone: a short append at the truncation point is followed by zeros,
            // so the next open is clean and sees nothing past it.
            var next = log.Append(1, [9]);
            Assert.Equal((ulong)keep + 1, next.Lsn);
            log.WaitDurableAsync(next.Lsn).AsTask().GetAwaiter().GetResult();
        }

        using var again = WriteAheadLog.Open(device.CrashCopy(), Options());
        Assert.Equal(RecoveryCase.CleanTail, again.Recovery.TailCase);
        Assert.Equal((ulong)keep + 1, again.DurableLsn);
    }
}
