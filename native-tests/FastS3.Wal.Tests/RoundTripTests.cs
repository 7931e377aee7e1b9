using System.Buffers;
using FastS3.Wal;
using FastS3.Wal.Device;
using FastS3.Wal.Format;
using static FastS3.Wal.Tests.WalTestSupport;

namespace FastS3.Wal.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public async Task Append_then_read_and_replay_returns_exact_bytes_on_real_mmap_files()
    {
        using var dir = new TempDirectory();
        var payload = Payload(1, 1000);
        ulong lsn;
        WalLocation location;
        using (var log = WriteAheadLog.Open(dir.Path, Options()))
        {
            var result = log.Append(7, payload, flags: 0x42);
            Assert.Equal(WalStatus.Ok, result.Status);
            Assert.Equal(1UL, result.Lsn);
            Assert.Equal(payload.Length, result.Location.LengthBytes);
            Assert.Equal(WalStatus.Ok, await log.WaitDurableAsync(result.Lsn));
            Assert.True(log.DurableLsn >= result.Lsn);
            Assert.Equal(payload, ReadBack(log, result.Location));
            lsn = result.Lsn;
            location = result.Location;
        }

        using (var log = WriteAheadLog.Open(dir.Path, Options()))
        {
            Assert.Equal(RecoveryCase.CleanTail, log.Recovery.TailCase);
            var records = ReplayAll(log);
            var record = Assert.Single(records);
            Assert.Equal(lsn, record.Lsn);
            Assert.Equal(7, record.Type);
            Assert.Equal(payload, record.Payload);
            Assert.Equal(location, record.Location);
            Assert.Equal(payload, ReadBack(log, location));
            Assert.Equal(2UL, log.Append(7, payload).Lsn);
        }
    }

    [Fact]
    public async Task Records_across_many_segments_are_dense_readable_and_survive_reopen()
    {
        using var dir = new TempDirectory();
        var sink = new RecordingSink();
        var expected = new List<(ulong Lsn, byte[] Payload, WalLocation Location)>();
        var random = new Random(12345);
        using (var log = WriteAheadLog.Open(dir.Path, Options(sink: sink)))
        {
            for (var i = 0; i < 600; i++)
            {
                var payload = Payload(i, random.Next(0, 3000));
                var result = log.Append(1, payload);
                Assert.Equal(WalStatus.Ok, result.Status);
                Assert.Equal((ulong)i + 1, result.Lsn);
                expected.Add((result.Lsn, payload, result.Location));
            }

            Assert.Equal(WalStatus.Ok, await log.WaitDurableAsync(600));
            Assert.True(log.SegmentIds.Count >= 10, $"expected many 64 KiB segments, got {log.SegmentIds.Count}");
            foreach (var (_, payload, location) in expected)
            {
                Assert.Equal(payload, ReadBack(log, location));
            }

            // Sealed segments reach the sink in order, contiguous, covering the LSNs they hold.
            var sealedSegments = sink.Sealed;
            Assert.Equal(log.SegmentIds.Count - 1, sealedSegments.Count);
            for (var i = 1; i < sealedSegments.Count; i++)
            {
                Assert.Equal(sealedSegments[i - 1].SegmentId + 1, sealedSegments[i].SegmentId);
                Assert.Equal(sealedSegments[i - 1].LastLsn + 1, sealedSegments[i].FirstLsn);
            }
        }

        using (var log = WriteAheadLog.Open(dir.Path, Options()))
        {
            var records = ReplayAll(log);
            Assert.Equal(expected.Select(e => e.Lsn), records.Select(r => r.Lsn));
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Payload, records[i].Payload);
                Assert.Equal(expected[i].Location, records[i].Location);
            }

            Assert.Equal(expected.Skip(300).Select(e => e.Lsn), ReplayAll(log, 301).Select(r => r.Lsn));
            Assert.Equal(600UL, log.DurableLsn);
        }
    }

    [Fact]
    public async Task Gather_appends_concatenate_spans_and_sequences()
    {
        using var log = WriteAheadLog.Open(new FaultInjectingWalDevice(), Options());
        var a = Payload(1, 10);
        var b = Payload(2, 333);
        var c = Payload(3, 7);
        var two = log.Append(3, a, b);
        var three = log.Append(3, a, b, c);
        var sequence = log.Append(3, SequenceOf(a, b, c));
        await log.WaitDurableAsync(sequence.Lsn);

        Assert.Equal([.. a, .. b], ReadBack(log, two.Location));
        Assert.Equal([.. a, .. b, .. c], ReadBack(log, three.Location));
        Assert.Equal([.. a, .. b, .. c], ReadBack(log, sequence.Location));
        Assert.Equal(new ulong[] { 1, 2, 3 }, ReplayAll(log).Select(r => r.Lsn));
    }

    [Fact]
    public async Task Max_payload_fits_exactly_one_segment_and_one_byte_more_is_refused()
    {
        var device = new FaultInjectingWalDevice();
        using var log = WriteAheadLog.Open(device, Options());
        var max = log.MaxPayloadBytes;
        Assert.Equal(SmallSegmentBytes - SegmentHeader.RecordSizeBytes - SealFooter.RecordSizeBytes - WalRecordHeader.Size, max);

        Assert.Equal(WalStatus.PayloadTooLarge, log.Append(1, new byte[max + 1]).Status);
        Assert.Equal(0UL, log.DurableLsn);

        var small = log.Append(1, Payload(1, 100));
        var big = log.Append(1, Payload(2, max)); // does not fit behind the small one: seals, rolls
        Assert.Equal(WalStatus.Ok, big.Status);
        Assert.NotEqual(small.Location.SegmentId, big.Location.SegmentId);
        var after = log.Append(1, Payload(3, 0)); // the segment is exactly full: rolls again
        Assert.NotEqual(big.Location.SegmentId, after.Location.SegmentId);
        await log.WaitDurableAsync(after.Lsn);

        Assert.Equal(Payload(2, max), ReadBack(log, big.Location));
        Assert.Equal(0, after.Location.LengthBytes);
        Assert.Equal(WalStatus.InvalidRecordType, log.Append(0, [1]).Status);
        Assert.Equal(WalStatus.InvalidRecordType, log.Append(WalRecordType.Seal, [1]).Status);
        Assert.Equal(WalStatus.WrongLsnMode, log.AppendAt(10, 1, [1]).Status);
    }

    [Fact]
    public async Task A_full_segment_is_sealed_with_a_valid_footer_naming_its_chain_end_and_last_lsn()
    {
        var device = new FaultInjectingWalDevice();
        var sink = new RecordingSink();
        using var log = WriteAheadLog.Open(device, Options(sink: sink));
        var first = log.ActiveSegmentId;
        AppendResult last = default;
        while (log.ActiveSegmentId == first)
        {
            var result = log.Append(1, Payload(1, 1000));
            if (result.Location.SegmentId == first)
            {
                last = result;
            }
        }

        await log.WaitDurableAsync(last.Lsn + 1);
        var image = device.ReadDurable(first);
        var footerOffset = SmallSegmentBytes - SealFooter.RecordSizeBytes;
        Assert.Equal(WalRecordCheck.Ok, WalRecordHeader.Validate(image.AsSpan(footerOffset), first, SealFooter.RecordSizeBytes, out var header));
        Assert.Equal(WalRecordType.Seal, header.Type);
        var footer = SealFooter.Read(image.AsSpan(footerOffset + WalRecordHeader.Size));
        Assert.Equal(last.Lsn, footer.LastLsn);
        Assert.Equal(1UL, footer.FirstLsn);
        Assert.Equal(last.Location.Offset + 1000 + 0, footer.ChainEndOffset);
        var sealedSegment = Assert.Single(sink.Sealed);
        Assert.Equal(first, sealedSegment.SegmentId);
        Assert.Equal(last.Lsn, sealedSegment.LastLsn);
        Assert.Equal((int)last.Lsn, sealedSegment.RecordCount);
    }

    private static ReadOnlySequence<byte> SequenceOf(params byte[][] parts)
    {
        var first = new Chunk(parts[0], 0);
        var current = first;
        foreach (var part in parts.Skip(1))
        {
            current = current.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, current, current.Memory.Length);
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Chunk Append(byte[] bytes)
        {
            var next = new Chunk(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
