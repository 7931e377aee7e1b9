using System.Buffers;
using System.Diagnostics;
using FastS3.Wal.Format;

namespace FastS3.Wal;

public sealed partial class WriteAheadLog
{
    /// <summary>Appends one record (standalone mode: the log assigns the LSN).</summary>
    /// <param name="type">Engine record type, 1..<see cref="WalRecordType.LastEngineType"/>.</param>
    /// <param name="payload">Payload, at most <see cref="MaxPayloadBytes"/>.</param>
    /// <param name="flags">Passed through to replay.</param>
    public AppendResult Append(byte type, ReadOnlySpan<byte> payload, ushort flags = 0) =>
        AppendCore(hasLsn: false, 0, type, flags, new PayloadParts(payload, default, default));

    /// <summary>Appends one record gathered from two spans (e.g. an engine header and a body chunk).</summary>
    public AppendResult Append(byte type, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ushort flags = 0) =>
        AppendCore(hasLsn: false, 0, type, flags, new PayloadParts(first, second, default));

    /// <summary>Appends one record gathered from three spans.</summary>
    public AppendResult Append(byte type, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, ushort flags = 0) =>
        AppendCore(hasLsn: false, 0, type, flags, new PayloadParts(first, second, third));

    /// <summary>Appends one record gathered from a sequence (a body chunk straight from a PipeReader).</summary>
    public AppendResult Append(byte type, in ReadOnlySequence<byte> payload, ushort flags = 0) =>
        AppendCore(hasLsn: false, 0, type, flags, new PayloadParts(payload));

    /// <summary>
    /// External mode: appends a record with the caller's <paramref name="lsn"/>, which must be above
    /// every LSN appended so far. A duplicate or lower LSN returns <see cref="WalStatus.LsnNotIncreasing"/>
    /// and changes nothing.
    /// </summary>
    public AppendResult AppendAt(ulong lsn, byte type, ReadOnlySpan<byte> payload, ushort flags = 0) =>
        AppendCore(hasLsn: true, lsn, type, flags, new PayloadParts(payload, default, default));

    /// <summary>External mode append gathered from two spans.</summary>
    public AppendResult AppendAt(ulong lsn, byte type, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ushort flags = 0) =>
        AppendCore(hasLsn: true, lsn, type, flags, new PayloadParts(first, second, default));

    /// <summary>External mode append gathered from a sequence.</summary>
    public AppendResult AppendAt(ulong lsn, byte type, in ReadOnlySequence<byte> payload, ushort flags = 0) =>
        AppendCore(hasLsn: true, lsn, type, flags, new PayloadParts(payload));

    private AppendResult AppendCore(bool hasLsn, ulong externalLsn, byte type, ushort flags, scoped in PayloadParts parts)
    {
        if (!WalRecordType.IsEngineType(type))
        {
            return AppendResult.Failed(WalStatus.InvalidRecordType);
        }

        if (parts.LengthBytes > _maxPayloadBytes)
        {
            return AppendResult.Failed(WalStatus.PayloadTooLarge);
        }

        if (hasLsn != _externalLsns)
        {
            return AppendResult.Failed(WalStatus.WrongLsnMode);
        }

        var payloadLength = (int)parts.LengthBytes;
        var recordBytes = WalRecordHeader.RecordSizeBytes(payloadLength);
        Segment segment;
        long word;
        ulong lsn;
        if (_externalLsns)
        {
            lock (_externalLock)
            {
                if (externalLsn <= _lastAssignedLsn)
                {
                    return AppendResult.Failed(WalStatus.LsnNotIncreasing);
                }

                var status = Reserve(recordBytes, out segment, out word);
                if (status != WalStatus.Ok)
                {
                    return AppendResult.Failed(status);
                }

                lsn = externalLsn;
                _lastAssignedLsn = lsn;
                if (Segment.CountOf(word) == 0)
                {
                    segment.FirstLsn = lsn;
                }
            }
        }
        else
        {
            var status = Reserve(recordBytes, out segment, out word);
            if (status != WalStatus.Ok)
            {
                return AppendResult.Failed(status);
            }

            // Dense LSNs fall out of the reservation: the n-th record of a segment gets PreviousLsn + 1 + n.
            lsn = segment.PreviousLsn + 1 + (ulong)Segment.CountOf(word);
        }

        var offset = Segment.OffsetOf(word);
        Debug.Assert(offset >= SegmentHeader.RecordSizeBytes && offset + recordBytes <= segment.FooterOffset);
        Debug.Assert(offset % WalRecordHeader.Alignment == 0);

        var record = segment.File.GetSpan(offset, recordBytes);
        WalRecordHeader.WriteUnsealed(record, type, flags, payloadLength, lsn, segment.Id);
        parts.CopyTo(record.Slice(WalRecordHeader.Size, payloadLength));
        record[(WalRecordHeader.Size + payloadLength)..].Clear(); // alignment padding; a recycled file holds old bytes
        WalRecordHeader.Seal(record[..(WalRecordHeader.Size + payloadLength)]);

        var status2 = Publish(segment, segment.BaseOrdinal + Segment.CountOf(word), offset + recordBytes, lsn, isSeal: false);
        if (status2 != WalStatus.Ok)
        {
            return AppendResult.Failed(status2);
        }

        return new AppendResult(WalStatus.Ok, lsn, new WalLocation(segment.Id, offset + WalRecordHeader.Size, payloadLength));
    }

    /// <summary>Claims <paramref name="recordBytes"/> in the active segment, rolling to the next when full.</summary>
    private WalStatus Reserve(int recordBytes, out Segment segment, out long word)
    {
        while (true)
        {
            var failure = (WalStatus)Volatile.Read(ref _failure);
            if (failure != WalStatus.Ok)
            {
                segment = null!;
                word = 0;
                return failure;
            }

            if (Volatile.Read(ref _closing) != 0)
            {
                segment = null!;
                word = 0;
                return WalStatus.Closed;
            }

            segment = Volatile.Read(ref _active);
            var current = Volatile.Read(ref segment.Reservation);
            if (Segment.IsSealedWord(current))
            {
                // A roll is in progress: the roller holds _rollLock until the next segment is active.
                lock (_rollLock)
                {
                }

                continue;
            }

            var offset = Segment.OffsetOf(current);
            if (offset + recordBytes > segment.FooterOffset)
            {
                var status = Roll(segment);
                if (status != WalStatus.Ok)
                {
                    word = 0;
                    return status;
                }

                continue;
            }

            var next = current + recordBytes + Segment.CountUnit;
            if (Interlocked.CompareExchange(ref segment.Reservation, next, current) == current)
            {
                word = current;
                return WalStatus.Ok;
            }
        }
    }

    /// <summary>
    /// Seals <paramref name="full"/> and activates the next segment. The next file is obtained
    /// first: if that fails (disk full) nothing is sealed, the error is returned and records that
    /// still fit keep going to the current segment.
    /// </summary>
    private WalStatus Roll(Segment full)
    {
        lock (_rollLock)
        {
            if (Volatile.Read(ref _active) != full)
            {
                return WalStatus.Ok; // someone else rolled
            }

            var failure = (WalStatus)Volatile.Read(ref _failure);
            if (failure != WalStatus.Ok)
            {
                return failure;
            }

            var nextFile = TakeOrCreateSegmentFile(full.Id + 1, out var createStatus);
            if (nextFile is null)
            {
                return createStatus;
            }

            long current;
            do
            {
                current = Volatile.Read(ref full.Reservation);
                Debug.Assert(!Segment.IsSealedWord(current), "only the roller seals, under _rollLock");
            }
            while (Interlocked.CompareExchange(ref full.Reservation, (current | Segment.SealedBit) + Segment.CountUnit, current) != current);

            var count = Segment.CountOf(current);
            var lastLsn = count == 0 ? full.PreviousLsn
                : _externalLsns ? _lastAssignedLsn : full.PreviousLsn + (ulong)count;
            var firstLsn = count == 0 ? 0 : _externalLsns ? full.FirstLsn : full.PreviousLsn + 1;
            Debug.Assert(lastLsn >= full.PreviousLsn);
            full.RecordCount = count;
            full.LastLsn = lastLsn;
            full.FirstLsn = firstLsn;
            full.ChainEndOffset = Segment.OffsetOf(current);

            // The footer itself is written by the flusher, after the chain is durable: a footer
            // that reached the disk before the records it vouches for (page writeback runs in any
            // order) would turn an unacknowledged torn tail into "corruption of a sealed segment".

            var next = new Segment(nextFile, lastLsn, full.BaseOrdinal + count + 1);
            WriteSegmentHeader(next);
            AddSegment(next);

            var status = Publish(full, full.BaseOrdinal + count, full.SizeBytes, lastLsn, isSeal: true);
            Volatile.Write(ref _active, next);
            SignalPreparer();
            return status;
        }
    }

    /// <summary>Hands a copied record to the flusher: ring slot, full fence, wake if idle.</summary>
    private WalStatus Publish(Segment segment, long ordinal, int endOffset, ulong lsn, bool isSeal)
    {
        if (ordinal - Volatile.Read(ref _flushCursor) >= _slots.Length)
        {
            var status = WaitForSlot(ordinal);
            if (status != WalStatus.Ok)
            {
                return status;
            }
        }

        ref var slot = ref _slots[ordinal & _slotMask];
        Debug.Assert(Volatile.Read(ref slot.Stamp) <= ordinal, "slot still holds a newer or same ordinal");
        slot.Segment = segment;
        slot.Lsn = lsn;
        slot.EndOffset = endOffset;
        slot.IsSeal = isSeal;
        Interlocked.Exchange(ref slot.Stamp, ordinal + 1); // full fence: fields before stamp, stamp before the idle check

        if (Volatile.Read(ref _flusherIdle) != 0 && Interlocked.Exchange(ref _flusherIdle, 0) != 0)
        {
            _flusherWake.Set();
        }

        return WalStatus.Ok;
    }

    /// <summary>Back-pressure: the ring is full; wait for the flusher to consume.</summary>
    private WalStatus WaitForSlot(long ordinal)
    {
        var spin = new SpinWait();
        while (ordinal - Volatile.Read(ref _flushCursor) >= _slots.Length)
        {
            var failure = (WalStatus)Volatile.Read(ref _failure);
            if (failure != WalStatus.Ok)
            {
                return failure;
            }

            spin.SpinOnce(sleep1Threshold: 30);
        }

        return WalStatus.Ok;
    }
}
