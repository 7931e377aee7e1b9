using System.Collections.Concurrent;
using FastS3.Wal;
using FastS3.Wal.Device;
using FastS3.Wal.Format;
using static FastS3.Wal.Tests.WalTestSupport;

namespace FastS3.Wal.Tests;

/// <summary>
/// Offloading sealed segments: after the consumer reports a segment durable elsewhere, the local
/// file goes, and reads, replay, reopen and release go through <see cref="ISealedSegmentReader"/>.
/// </summary>
public sealed class OffloadTests
{
    [Fact]
    public async Task Offloaded_segments_lose_their_files_and_still_read_replay_and_reopen_exactly()
    {
        var device = new FaultInjectingWalDevice();
        var store = new MemorySegmentStore(device);
        var options = OffloadOptions(store);
        List<(ulong Lsn, byte[] Payload, WalLocation Location)> expected;
        IReadOnlyList<ulong> offloaded;
        using (var log = WriteAheadLog.Open(device, options))
        {
            Assert.Same(log, store.Target); // attached before recovery announces anything
            expected = await AppendManyAsync(log, count: 300, seed: 7);
            offloaded = OffloadAnnounced(log, store);
            Assert.True(offloaded.Count >= 3, $"only {offloaded.Count} segments sealed");
            Assert.Equal(offloaded, log.OffloadedSegmentIds);
            Assert.Empty(device.ListSegmentIds().Intersect(offloaded)); // the local files are gone
            AssertEverythingReads(log, expected);
            Assert.Equal(expected.Select(e => e.Payload), ReplayAll(log).Select(r => r.Payload));
        }

        using var reopened = WriteAheadLog.Open(device, options);
        Assert.Equal(offloaded, reopened.OffloadedSegmentIds);
        Assert.Equal(offloaded, reopened.Recovery.Decisions.Where(d => d.Case == RecoveryCase.Offloaded).Select(d => d.SegmentId));
        AssertEverythingReads(reopened, expected);
        var replayed = ReplayAll(reopened);
        Assert.Equal(expected.Select(e => e.Lsn), replayed.Select(r => r.Lsn));
        Assert.Equal(expected.Select(e => e.Payload), replayed.Select(r => r.Payload));
        Assert.Equal((ulong)expected.Count + 1, reopened.Append(1, Payload(-1, 10)).Lsn); // the chain continues past offloaded segments
    }

    [Fact]
    public async Task Replay_from_the_middle_of_an_offloaded_segment_reads_it_through_the_reader()
    {
        var device = new FaultInjectingWalDevice();
        var store = new MemorySegmentStore(device);
        using var log = WriteAheadLog.Open(device, OffloadOptions(store));
        var expected = await AppendManyAsync(log, count: 200, seed: 3);
        var offloaded = OffloadAnnounced(log, store);
        var inside = expected.First(e => e.Location.SegmentId == offloaded[1]);
        var from = inside.Lsn + 2;
        var reads = store.Reads;

        var replayed = ReplayAll(log, from);

        Assert.True(store.Reads > reads, "replay must read the offloaded chain through the reader");
        Assert.Equal(expected.Where(e => e.Lsn >= from).Select(e => e.Payload), replayed.Select(r => r.Payload));
    }

    [Fact]
    public async Task A_lost_offloaded_segment_reads_as_unrecoverable_never_as_bytes()
    {
        var device = new FaultInjectingWalDevice();
        var store = new MemorySegmentStore(device);
        using var log = WriteAheadLog.Open(device, OffloadOptions(store));
        var expected = await AppendManyAsync(log, count: 200, seed: 5);
        var offloaded = OffloadAnnounced(log, store);
        store.Lose(offloaded[0]);
        var victim = expected.First(e => e.Location.SegmentId == offloaded[0]);

        var destination = new byte[victim.Location.LengthBytes];
        Assert.Equal(WalStatus.Unrecoverable, log.Read(victim.Location, destination));
        Assert.Equal(WalStatus.Unrecoverable, log.CheckReadable(offloaded[0]));
        Assert.Equal(WalStatus.Ok, log.CheckReadable(offloaded[1]));
        using var lease = log.AcquireRead(expected.First(e => e.Location.SegmentId == offloaded[1]).Location);
        Assert.Equal(WalStatus.Offloaded, lease.Status);
        Assert.Throws<WalCorruptionException>(() => ReplayAll(log));
    }

    [Fact]
    public async Task Releasing_offloaded_segments_drops_their_copies_and_reopen_needs_nothing_of_them()
    {
        var device = new FaultInjectingWalDevice();
        var store = new MemorySegmentStore(device);
        var options = OffloadOptions(store);
        List<(ulong Lsn, byte[] Payload, WalLocation Location)> expected;
        ulong releasedThrough;
        using (var log = WriteAheadLog.Open(device, options))
        {
            expected = await AppendManyAsync(log, count: 300, seed: 11);
            var offloaded = OffloadAnnounced(log, store);
            releasedThrough = offloaded[1];
            Assert.Equal(WalStatus.Ok, log.ReleaseSegmentsThrough(releasedThrough));
            Assert.DoesNotContain(offloaded[0], store.Held);
            Assert.DoesNotContain(offloaded[1], store.Held);
            Assert.Contains(offloaded[2], store.Held);
        }

        // A release interrupted after its metadata write leaves a copy: the next open drops it.
        store.Put(releasedThrough, [1, 2, 3]);
        using var reopened = WriteAheadLog.Open(device, options);
        Assert.DoesNotContain(releasedThrough, store.Held);
        Assert.Equal(releasedThrough + 1, reopened.SegmentIds[0]);
        AssertEverythingReads(reopened, expected.Where(e => e.Location.SegmentId > releasedThrough).ToList());
    }

    [Fact]
    public async Task Reopening_with_offloaded_segments_but_no_reader_is_refused_by_name()
    {
        var device = new FaultInjectingWalDevice();
        var store = new MemorySegmentStore(device);
        using (var log = WriteAheadLog.Open(device, OffloadOptions(store)))
        {
            await AppendManyAsync(log, count: 200, seed: 13);
            Assert.NotEmpty(OffloadAnnounced(log, store));
        }

        var error = Assert.Throws<InvalidOperationException>(() => WriteAheadLog.Open(device, Options()));
        Assert.Contains("sealed-segment reader", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_manifest_write_keeps_the_segment_local_and_readable()
    {
        var device = new FaultInjectingWalDevice();
        var store = new MemorySegmentStore(device);
        using var log = WriteAheadLog.Open(device, OffloadOptions(store));
        var expected = await AppendManyAsync(log, count: 200, seed: 17);
        var first = expected[0].Location.SegmentId;
        device.FailMetadataWrites = true;

        Assert.Equal(WalStatus.IoError, log.OffloadSegment(first));

        Assert.Contains(first, device.ListSegmentIds());
        Assert.Empty(log.OffloadedSegmentIds);
        AssertEverythingReads(log, expected);
    }

    [Fact]
    public async Task A_file_left_behind_by_an_interrupted_offload_is_recycled_at_open_and_the_manifest_wins()
    {
        var device = new FaultInjectingWalDevice();
        var store = new MemorySegmentStore(device);
        var options = OffloadOptions(store);
        List<(ulong Lsn, byte[] Payload, WalLocation Location)> expected;
        IReadOnlyList<ulong> offloaded;
        using (var log = WriteAheadLog.Open(device, options))
        {
            expected = await AppendManyAsync(log, count: 200, seed: 19);
            device.FailRecycles = true; // the manifest is written, the file removal never happens
            offloaded = OffloadAnnounced(log, store);
            Assert.Equal(offloaded, log.OffloadedSegmentIds);
            Assert.Equal(offloaded, device.ListSegmentIds().Intersect(offloaded));
            device.FailRecycles = false;
        }

        using var reopened = WriteAheadLog.Open(device, options);
        Assert.Empty(device.ListSegmentIds().Intersect(offloaded));
        Assert.Equal(offloaded, reopened.OffloadedSegmentIds);
        var reads = store.Reads;
        AssertEverythingReads(reopened, expected);
        Assert.True(store.Reads > reads, "offloaded records are read through the reader, not a leftover file");
    }

    [Fact]
    public void The_manifest_is_believed_only_with_magic_version_length_and_crc()
    {
        var entries = new[]
        {
            new OffloadEntry { SegmentId = 3, PreviousLsn = 10, FirstLsn = 11, LastLsn = 20, RecordCount = 10, ChainEndOffset = 4096, SizeBytes = 65536 },
            new OffloadEntry { SegmentId = 4, PreviousLsn = 20, FirstLsn = 21, LastLsn = 25, RecordCount = 5, ChainEndOffset = 8192, SizeBytes = 65536 },
        };
        var bytes = OffloadManifest.Write(entries);
        Assert.True(OffloadManifest.TryRead(bytes, out var back));
        Assert.Equal(entries, back);
        for (var i = 0; i < bytes.Length; i++)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[i] ^= 0x10;
            Assert.False(OffloadManifest.TryRead(flipped, out _), $"a flipped bit at byte {i} was believed");
        }

        Assert.False(OffloadManifest.TryRead(bytes.AsSpan(0, bytes.Length - 1), out _));
    }

    private static WalOptions OffloadOptions(MemorySegmentStore store) => new()
    {
        SegmentSizeBytes = SmallSegmentBytes,
        PublishQueueSlots = 1024,
        SealedSegmentSink = store,
        SealedSegmentReader = store,
    };

    private static async Task<List<(ulong Lsn, byte[] Payload, WalLocation Location)>> AppendManyAsync(WriteAheadLog log, int count, int seed)
    {
        var random = new Random(seed);
        var expected = new List<(ulong, byte[], WalLocation)>();
        for (var i = 0; i < count; i++)
        {
            var payload = Payload((seed * 100_000L) + i, random.Next(1, 3000));
            var result = log.Append(1, payload);
            Assert.Equal(WalStatus.Ok, result.Status);
            expected.Add((result.Lsn, payload, result.Location));
        }

        Assert.Equal(WalStatus.Ok, await log.WaitDurableAsync(expected[^1].Item1));
        return expected;
    }

    private static List<ulong> OffloadAnnounced(WriteAheadLog log, MemorySegmentStore store)
    {
        var ids = store.Held.ToList();
        foreach (var id in ids)
        {
            Assert.Equal(WalStatus.Ok, log.OffloadSegment(id));
        }

        return ids;
    }

    private static void AssertEverythingReads(WriteAheadLog log, List<(ulong Lsn, byte[] Payload, WalLocation Location)> expected)
    {
        foreach (var (lsn, payload, location) in expected)
        {
            var bytes = new byte[location.LengthBytes];
            Assert.Equal(WalStatus.Ok, log.Read(location, bytes));
            Assert.True(payload.AsSpan().SequenceEqual(bytes), $"record {lsn} in segment {location.SegmentId} read back different bytes");
        }
    }

    /// <summary>Keeps a copy of every announced segment (from the device's durable image) and serves reads from it.</summary>
    private sealed class MemorySegmentStore(FaultInjectingWalDevice device) : ISealedSegmentSink, ISealedSegmentReader
    {
        private readonly ConcurrentDictionary<ulong, byte[]> _copies = new();
        private readonly ConcurrentDictionary<ulong, bool> _lost = new();
        private int _reads;

        public ISegmentOffloadTarget? Target { get; private set; }

        public int Reads => Volatile.Read(ref _reads);

        public IReadOnlyList<ulong> Held => [.. _copies.Keys.Order()];

        public void OnLogOpened(ISegmentOffloadTarget log) => Target = log;

        public void OnSegmentSealed(SealedSegmentInfo segment) => _copies.TryAdd(segment.SegmentId, device.ReadDurable(segment.SegmentId));

        public void Put(ulong segmentId, byte[] bytes) => _copies[segmentId] = bytes;

        public void Lose(ulong segmentId) => _lost[segmentId] = true;

        public SealedSegmentReadStatus Read(ulong segmentId, long offset, Span<byte> destination)
        {
            Interlocked.Increment(ref _reads);
            if (_lost.ContainsKey(segmentId))
            {
                return SealedSegmentReadStatus.Unrecoverable;
            }

            if (!_copies.TryGetValue(segmentId, out var bytes))
            {
                return SealedSegmentReadStatus.NotFound;
            }

            if (offset + destination.Length > bytes.Length)
            {
                return SealedSegmentReadStatus.OutOfRange;
            }

            bytes.AsSpan((int)offset, destination.Length).CopyTo(destination);
            return SealedSegmentReadStatus.Ok;
        }

        public bool IsReadable(ulong segmentId) => _copies.ContainsKey(segmentId) && !_lost.ContainsKey(segmentId);

        public void Drop(ulong segmentId) => _copies.TryRemove(segmentId, out _);

        public IReadOnlyList<ulong> ListSegments() => Held;
    }
}
