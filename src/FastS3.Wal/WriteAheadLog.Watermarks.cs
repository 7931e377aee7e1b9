using System.Diagnostics;
using FastS3.Wal.Format;

namespace FastS3.Wal;

public sealed partial class WriteAheadLog
{
    /// <summary>
    /// External mode or <see cref="WalOptions.HoldLowWaterMark"/>: the orchestrator's low-water mark
    /// (committed and applied everywhere) moved to <paramref name="lowWaterMarkLsn"/>. Only forward,
    /// never above <see cref="DurableLsn"/>; persisted before it takes effect. Sealed segments at or
    /// below it become visible to the sink.
    /// </summary>
    public WalStatus AdvanceLowWaterMark(ulong lowWaterMarkLsn)
    {
        if (!_holdsLowWaterMark)
        {
            return WalStatus.WrongLsnMode; // standalone: the LWM is the durable LSN
        }

        lock (_metadataLock)
        {
            var current = Volatile.Read(ref _lowWaterMarkLsn);
            if (lowWaterMarkLsn == current)
            {
                return WalStatus.Ok;
            }

            if (lowWaterMarkLsn < current || lowWaterMarkLsn > DurableLsn)
            {
                return WalStatus.WatermarkOutOfRange;
            }

            var metadata = _metadata;
            metadata.LowWaterMarkLsn = lowWaterMarkLsn;
            var status = PersistMetadata(metadata);
            if (status != WalStatus.Ok)
            {
                return status;
            }

            Volatile.Write(ref _lowWaterMarkLsn, lowWaterMarkLsn);
        }

        AnnounceSealedSegments();
        return WalStatus.Ok;
    }

    /// <summary>
    /// The cold tier now holds everything up to <paramref name="s3HwmLsn"/>. Only forward, never
    /// above <see cref="LowWaterMark"/> (S3_HWM &lt;= LWM is the system's one invariant); persisted
    /// with the durable-replace recipe before it takes effect.
    /// </summary>
    public WalStatus AdvanceS3Hwm(ulong s3HwmLsn)
    {
        lock (_metadataLock)
        {
            var current = Volatile.Read(ref _s3HwmLsn);
            if (s3HwmLsn == current)
            {
                return WalStatus.Ok;
            }

            if (s3HwmLsn < current || s3HwmLsn > LowWaterMark)
            {
                return WalStatus.WatermarkOutOfRange;
            }

            var metadata = _metadata;
            metadata.S3HwmLsn = s3HwmLsn;
            metadata.LowWaterMarkLsn = _holdsLowWaterMark ? metadata.LowWaterMarkLsn : LowWaterMark;
            var status = PersistMetadata(metadata);
            if (status != WalStatus.Ok)
            {
                return status;
            }

            Volatile.Write(ref _s3HwmLsn, s3HwmLsn);
            Debug.Assert(S3Hwm <= LowWaterMark);
            return WalStatus.Ok;
        }
    }

    /// <summary>
    /// External mode: removes every record with LSN &gt; <paramref name="afterLsn"/> (an uncommitted
    /// suffix, e.g. a Raft follower's conflicting tail), durably, so recovery cannot resurrect it.
    /// Refused with <see cref="WalStatus.BelowLowWaterMark"/> when <paramref name="afterLsn"/> is below
    /// the LWM. Blocks appends while it runs. <see cref="DurableLsn"/> drops to the last kept LSN.
    /// </summary>
    public WalStatus TruncateSuffix(ulong afterLsn)
    {
        if (!_externalLsns)
        {
            return WalStatus.WrongLsnMode;
        }

        lock (_externalLock)
        {
            lock (_rollLock)
            {
                var failure = (WalStatus)Volatile.Read(ref _failure);
                if (failure != WalStatus.Ok)
                {
                    return failure;
                }

                if (afterLsn < LowWaterMark)
                {
                    return WalStatus.BelowLowWaterMark;
                }

                if (afterLsn >= _lastAssignedLsn)
                {
                    return WalStatus.Ok;
                }

                // Quiesce: no new reservations (we hold both locks); wait until the flusher has
                // completed everything reserved so far.
                var active = Volatile.Read(ref _active);
                var nextOrdinal = active.BaseOrdinal + Segment.CountOf(Volatile.Read(ref active.Reservation));
                var spin = new SpinWait();
                while (Volatile.Read(ref _completedCursor) < nextOrdinal)
                {
                    failure = (WalStatus)Volatile.Read(ref _failure);
                    if (failure != WalStatus.Ok)
                    {
                        return failure;
                    }

                    spin.SpinOnce(sleep1Threshold: 20);
                }

                // Intent first: if we crash half-way, recovery finishes the job.
                WalStatus status;
                lock (_metadataLock)
                {
                    var metadata = _metadata;
                    metadata.TruncatedAfterLsn = afterLsn;
                    status = PersistMetadata(metadata);
                }

                return status != WalStatus.Ok ? status : TruncateSuffixCore(afterLsn);
            }
        }
    }

    /// <summary>
    /// The highest segment id that, with every live segment before it, has been handed to the sink
    /// (sealed, durable, at or below the LWM): the furthest <see cref="ReleaseSegmentsThrough"/> can
    /// go now. 0 when the first live segment has not been.
    /// </summary>
    public ulong AnnouncedThroughSegmentId
    {
        get
        {
            lock (_announceLock)
            {
                ulong through = 0;
                foreach (var segment in Volatile.Read(ref _segmentTable).Segments)
                {
                    if (!segment.IsAnnounced)
                    {
                        break;
                    }

                    through = segment.Id;
                }

                return through;
            }
        }
    }

    /// <summary>
    /// Retires segments with id &lt;= <paramref name="segmentId"/> (e.g. shipped to the cold tier and
    /// no longer referenced by the index): their files go back to the recycle pool. Only segments
    /// already handed to the sink (sealed, durable, at or below the LWM) can be released.
    /// </summary>
    public WalStatus ReleaseSegmentsThrough(ulong segmentId)
    {
        lock (_rollLock)
        {
            lock (_offloadLock)
            {
                var table = Volatile.Read(ref _segmentTable);
                var released = table.Segments.Where(s => s.Id <= segmentId).ToArray();
                if (released.Length == 0)
                {
                    return WalStatus.Ok;
                }

                if (released.Any(s => !s.IsAnnounced || s == Volatile.Read(ref _active)))
                {
                    return WalStatus.WatermarkOutOfRange;
                }

                lock (_metadataLock)
                {
                    var metadata = _metadata;
                    metadata.FirstLiveSegmentId = segmentId + 1;
                    var status = PersistMetadata(metadata);
                    if (status != WalStatus.Ok)
                    {
                        return status;
                    }
                }

                lock (_segmentTableLock)
                {
                    Volatile.Write(ref _segmentTable, table.Slice(segmentId + 1, ulong.MaxValue));
                }

                if (released.Any(s => s.IsOffloaded))
                {
                    // The metadata already excludes them, so a failure here only leaves a longer
                    // manifest that recovery filters; the copies are dropped after it either way.
                    var status = PersistOffloadManifest(_offloadEntries.Where(e => e.SegmentId > segmentId).ToList());
                    if (status != WalStatus.Ok)
                    {
                        Log($"WAL could not shorten the offload manifest after releasing through {segmentId}: {status}");
                    }
                }

                foreach (var segment in released)
                {
                    if (segment.IsOffloaded)
                    {
                        _options.SealedSegmentReader!.Drop(segment.Id);
                        continue;
                    }

                    segment.RetireAndWaitForReaders();
                    segment.File.Dispose();
                    try
                    {
                        _device.RecycleSegment(segment.Id);
                    }
                    catch (IOException exception)
                    {
                        // The metadata already excludes it: recovery will recycle the leftover file.
                        Log($"WAL could not recycle segment {segment.Id}: {exception.Message}");
                    }
                }

                return WalStatus.Ok;
            }
        }
    }

    /// <summary>The truncation proper; appends are quiesced (or recovery runs alone).</summary>
    private WalStatus TruncateSuffixCore(ulong afterLsn)
    {
        // A sequence count, odd while the truncation rewrites segments: the scrubber discards a
        // chain walk that overlapped one instead of reporting a half-cut segment as corrupt.
        Interlocked.Increment(ref _truncations);
        try
        {
            return TruncateSuffixSegments(afterLsn);
        }
        finally
        {
            Interlocked.Increment(ref _truncations);
        }
    }

    private WalStatus TruncateSuffixSegments(ulong afterLsn)
    {
        var table = Volatile.Read(ref _segmentTable);
        var cut = table.Segments.LastOrDefault(s => s.PreviousLsn <= afterLsn);
        Debug.Assert(cut is null || !cut.IsOffloaded, "offloaded segments lie at or below the LWM, truncation above it");
        if (cut is null)
        {
            return WalStatus.BelowLowWaterMark; // the cut lies in released segments
        }

        // Find the first record above afterLsn in the cut segment.
        var offset = SegmentHeader.RecordSizeBytes;
        var kept = 0;
        var lastKeptLsn = cut.PreviousLsn;
        var firstLsn = 0UL;
        var chainLimit = cut.IsSealed ? cut.ChainEndOffset : Segment.OffsetOf(Volatile.Read(ref cut.Reservation));
        while (offset < chainLimit)
        {
            var check = WalRecordHeader.Validate(cut.File.GetSpan(offset, cut.FooterOffset - offset), cut.Id, cut.FooterOffset - offset, out var record);
            if (check != WalRecordCheck.Ok || record.Lsn > afterLsn)
            {
                break;
            }

            firstLsn = kept == 0 ? record.Lsn : firstLsn;
            kept++;
            lastKeptLsn = record.Lsn;
            offset += WalRecordHeader.RecordSizeBytes((int)record.PayloadLengthBytes);
        }

        try
        {
            // 1. Later segments go first, highest id first: a crash leaves a shorter but
            //    well-formed log, and the persisted intent finishes the rest.
            lock (_spareLock)
            {
                while (_preparing)
                {
                    Monitor.Wait(_spareLock);
                }

                if (_spare is not null)
                {
                    var spareId = _spare.SegmentId;
                    _spare.Dispose();
                    _spare = null;
                    _device.RecycleSegment(spareId);
                }

                _highestFileId = cut.Id;
            }

            foreach (var later in table.Segments.Where(s => s.Id > cut.Id).Reverse())
            {
                later.RetireAndWaitForReaders();
                later.File.Dispose();
                _device.RecycleSegment(later.Id);
            }

            lock (_segmentTableLock)
            {
                // Re-read: an offload may have swapped an entry below the cut since `table` was taken.
                Volatile.Write(ref _segmentTable, Volatile.Read(ref _segmentTable).Slice(table.FirstId, cut.Id));
            }

            // 2. Unseal before cutting the chain, each step flushed: a torn mix of "sealed" and
            //    "chain cut" would read as corruption of a sealed segment.
            if (cut.File.GetSpan(cut.FooterOffset, SealFooter.RecordSizeBytes).IndexOfAnyExcept((byte)0) >= 0)
            {
                cut.File.GetSpan(cut.FooterOffset, SealFooter.RecordSizeBytes).Clear();
                cut.File.Flush(cut.FooterOffset, SealFooter.RecordSizeBytes);
            }

            // 3. Zero the suffix.
            ZeroFrom(cut, offset);
        }
        catch (IOException exception)
        {
            Log($"WAL truncation after LSN {afterLsn} failed: {exception.Message}; the log is failed and must be reopened");
            Volatile.Write(ref _failure, (int)Classify(exception));
            FailWaiters(WalStatus.IoError);
            return (WalStatus)Volatile.Read(ref _failure);
        }

        var nextOrdinal = Volatile.Read(ref _flushCursor);
        cut.SetReservation(offset, kept, sealedFlag: false);
        cut.BaseOrdinal = nextOrdinal - kept;
        cut.FlushedOffset = offset;
        cut.IsSealDurable = false;
        cut.IsAnnounced = false;
        cut.FirstLsn = firstLsn;
        cut.LastLsn = lastKeptLsn;
        cut.ChainEndOffset = 0;
        Volatile.Write(ref _active, cut);
        _lastAssignedLsn = lastKeptLsn;
        Volatile.Write(ref _durableLsn, lastKeptLsn);
        _recoveryReport.LastLsn = Math.Min(_recoveryReport.LastLsn, lastKeptLsn);

        WalStatus status;
        lock (_metadataLock)
        {
            var metadata = _metadata;
            metadata.TruncatedAfterLsn = 0;
            status = PersistMetadata(metadata);
        }

        SignalPreparer();
        Log($"WAL truncated after LSN {afterLsn}: segment {cut.Id} now ends at offset {offset}, last LSN {lastKeptLsn}");
        return status;
    }

    private WalStatus PersistMetadata(WalMetadata metadata)
    {
        Debug.Assert(_metadataLock.IsHeldByCurrentThread);
        Debug.Assert(!_holdsLowWaterMark || metadata.S3HwmLsn <= metadata.LowWaterMarkLsn, "S3_HWM <= LWM");
        Span<byte> bytes = stackalloc byte[WalMetadata.Size];
        metadata.Write(bytes);
        try
        {
            _device.WriteMetadataDurable(bytes);
        }
        catch (IOException exception)
        {
            Log($"WAL metadata write failed: {exception.Message}");
            return Classify(exception);
        }

        _metadata = metadata;
        return WalStatus.Ok;
    }
}
