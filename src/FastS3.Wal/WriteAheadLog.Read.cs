using FastS3.Wal.Format;

namespace FastS3.Wal;

public sealed partial class WriteAheadLog
{
    /// <summary>
    /// Copies the payload at <paramref name="location"/> into <paramref name="destination"/>.
    /// The caller reads only locations it got from an append or replay (the bytes are what was
    /// appended; whether they are durable yet is what <see cref="WaitDurableAsync"/> is for).
    /// An offloaded segment is read through <see cref="WalOptions.SealedSegmentReader"/>:
    /// <see cref="WalStatus.Unrecoverable"/> when its bytes cannot be derived, never wrong bytes.
    /// </summary>
    public WalStatus Read(WalLocation location, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, location.LengthBytes, nameof(destination));
        if (TryGetSegment(location.SegmentId, out var segment) && segment.IsOffloaded)
        {
            return IsInBounds(segment, location) ? ReadOffloaded(segment, location, destination) : WalStatus.NotFound;
        }

        using var lease = AcquireRead(location);
        if (lease.Status == WalStatus.Offloaded)
        {
            return Read(location, destination); // offloaded since the lookup above
        }

        if (lease.Status != WalStatus.Ok)
        {
            return lease.Status;
        }

        lease.Payload.CopyTo(destination);
        return WalStatus.Ok;
    }

    /// <summary>
    /// A lease on the payload bytes in the mapping (zero copy, e.g. to send a GET body). The span
    /// lives until the lease is disposed; the segment cannot be released meanwhile. An offloaded
    /// segment has no mapping: <see cref="WalStatus.Offloaded"/> tells the caller to
    /// <see cref="Read"/> into its own buffer instead.
    /// </summary>
    public WalReadLease AcquireRead(WalLocation location)
    {
        while (true)
        {
            if (!TryGetSegment(location.SegmentId, out var segment) || !IsInBounds(segment, location))
            {
                return new WalReadLease(WalStatus.NotFound, null, default);
            }

            if (segment.IsOffloaded)
            {
                return new WalReadLease(WalStatus.Offloaded, null, default);
            }

            if (segment.TryAcquireLease())
            {
                return new WalReadLease(WalStatus.Ok, segment, segment.File.GetSpan(location.Offset, location.LengthBytes));
            }

            if (!TryGetSegment(location.SegmentId, out var now) || now == segment)
            {
                return new WalReadLease(WalStatus.NotFound, null, default); // released
            }

            // Retired by an offload between the lookup and the lease: look again.
        }
    }

    /// <summary>
    /// Replays durable records with LSN &gt;= <paramref name="fromLsn"/>, in order, for ARIES redo.
    /// Runs concurrently with appends; it stops at the durable LSN observed when it started.
    /// </summary>
    public WalReplay Replay(ulong fromLsn = 0) =>
        new(this, Volatile.Read(ref _segmentTable).Segments, fromLsn, DurableLsn);

    /// <summary>
    /// The durable records of one segment, in order, wherever its bytes live (compaction reads its
    /// victims' records to find their owners). Empty if the segment is gone.
    /// </summary>
    public WalReplay ReplaySegment(ulong segmentId) => new(this, segmentId, segmentId, DurableLsn);

    private static bool IsInBounds(Segment segment, WalLocation location) =>
        location.Offset >= SegmentHeader.RecordSizeBytes + WalRecordHeader.Size
        && location.LengthBytes >= 0
        && (long)location.Offset + location.LengthBytes <= segment.FooterOffset;
}
