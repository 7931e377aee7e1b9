using System.Diagnostics;
using FastS3.Wal.Device;
using FastS3.Wal.Format;

namespace FastS3.Wal;

public sealed partial class WriteAheadLog
{
    // One batch covers at most this many records: bounds the time between a flush and the wake-up
    // of its first waiter. 4,096 x 4 KiB records = 16 MiB, ~25 ms at 0.6 GB/s durable writes.
    private const int MaxBatchRecords = 4096;

    /// <summary>
    /// Completes when every record with LSN &lt;= <paramref name="lsn"/> is durable
    /// (<see cref="WalStatus.Ok"/>), or with the failure that prevents it. Waiters complete in LSN order.
    /// </summary>
    public ValueTask<WalStatus> WaitDurableAsync(ulong lsn)
    {
        if (lsn <= Volatile.Read(ref _durableLsn))
        {
            return new ValueTask<WalStatus>(WalStatus.Ok);
        }

        lock (_waiterLock)
        {
            // Re-check under the lock: the flusher raises _durableLsn before it takes this lock.
            if (lsn <= Volatile.Read(ref _durableLsn))
            {
                return new ValueTask<WalStatus>(WalStatus.Ok);
            }

            var failure = (WalStatus)Volatile.Read(ref _failure);
            if (failure != WalStatus.Ok)
            {
                return new ValueTask<WalStatus>(failure);
            }

            if (Volatile.Read(ref _closing) != 0 && !_flusherThread.IsAlive)
            {
                return new ValueTask<WalStatus>(WalStatus.Closed);
            }

            if (!_waiterPool.TryDequeue(out var waiter))
            {
                waiter = new DurableWaiter(this);
            }

            waiter.Lsn = lsn;
            _waiters.Enqueue(waiter, lsn);
            return new ValueTask<WalStatus>(waiter, waiter.Version);
        }
    }

    private void FlusherLoop()
    {
        var batch = new List<(Segment Segment, int EndOffset)>(4);
        var sealedInBatch = new List<Segment>(2);
        var ready = new List<DurableWaiter>(64);
        var cursor = Volatile.Read(ref _flushCursor);
        var flushToDisk = _options.Durability == Durability.Fsync;

        while (true)
        {
            batch.Clear();
            sealedInBatch.Clear();
            var batchLsn = 0UL;
            var records = 0;
            while (records < MaxBatchRecords)
            {
                ref var slot = ref _slots[cursor & _slotMask];
                if (Volatile.Read(ref slot.Stamp) != cursor + 1)
                {
                    break;
                }

                var segment = slot.Segment!;
                var endOffset = slot.EndOffset;
                var lsn = slot.Lsn;
                var isSeal = slot.IsSeal;
                slot.Segment = null;
                cursor++;
                records++;

                Debug.Assert(lsn >= batchLsn, "LSNs rise with publish ordinals");
                batchLsn = lsn;
                if (batch.Count > 0 && batch[^1].Segment == segment)
                {
                    Debug.Assert(endOffset >= batch[^1].EndOffset);
                    batch[^1] = (segment, endOffset);
                }
                else
                {
                    Debug.Assert(batch.Count == 0 || batch[^1].Segment.Id + 1 == segment.Id, "a batch walks segments in order");
                    batch.Add((segment, endOffset));
                }

                if (isSeal)
                {
                    sealedInBatch.Add(segment);
                }
            }

            if (records == 0)
            {
                if (Volatile.Read(ref _closing) != 0)
                {
                    return;
                }

                _flusherWake.Reset();
                Interlocked.Exchange(ref _flusherIdle, 1);
                if (Volatile.Read(ref _slots[cursor & _slotMask].Stamp) != cursor + 1 && Volatile.Read(ref _closing) == 0)
                {
                    _flusherWake.Wait();
                }

                Volatile.Write(ref _flusherIdle, 0);
                continue;
            }

            // Slot fields are in locals: let appenders reuse the slots while we flush.
            Volatile.Write(ref _flushCursor, cursor);

            foreach (var (segment, endOffset) in batch)
            {
                Debug.Assert(endOffset >= segment.FlushedOffset && endOffset <= segment.SizeBytes);
                try
                {
                    if (sealedInBatch.Contains(segment))
                    {
                        // Chain first, then the footer that vouches for it: two flushes, once per segment.
                        Debug.Assert(endOffset == segment.SizeBytes);
                        FlushRange(segment, segment.ChainEndOffset, flushToDisk);
                        WriteSealFooter(segment, new SealFooter
                        {
                            ChainEndOffset = segment.ChainEndOffset,
                            RecordCount = segment.RecordCount,
                            FirstLsn = segment.FirstLsn,
                            LastLsn = segment.LastLsn,
                        });
                        if (flushToDisk)
                        {
                            segment.File.Flush(segment.FooterOffset, segment.SizeBytes - segment.FooterOffset);
                        }

                        segment.FlushedOffset = segment.SizeBytes;
                    }
                    else
                    {
                        FlushRange(segment, endOffset, flushToDisk);
                    }
                }
                catch (IOException exception)
                {
                    // fsyncgate: never retry; fail every waiter and refuse further work.
                    Log($"WAL flush of segment {segment.Id} from offset {segment.FlushedOffset} failed: {exception.Message}; the log is now failed and must be reopened");
                    Volatile.Write(ref _failure, (int)(Classify(exception) == WalStatus.DiskFull ? WalStatus.DiskFull : WalStatus.IoError));
                    FailWaiters((WalStatus)Volatile.Read(ref _failure));
                    return;
                }
            }

            Interlocked.Increment(ref _flushCount);
            Interlocked.Add(ref _flushedRecordCount, records);
            Debug.Assert(batchLsn >= Volatile.Read(ref _durableLsn), "durable LSN only moves forward while appending");
            Volatile.Write(ref _durableLsn, batchLsn);

            // Seals before waiters: whoever sees its LSN durable also sees every segment sealed below it.
            if (sealedInBatch.Count > 0)
            {
                foreach (var segment in sealedInBatch)
                {
                    segment.IsSealDurable = true;
                }

                AnnounceSealedSegments();
            }

            CompleteWaiters(batchLsn, ready);

            Volatile.Write(ref _completedCursor, cursor);
        }
    }

    private static void FlushRange(Segment segment, int endOffset, bool flushToDisk)
    {
        Debug.Assert(endOffset >= segment.FlushedOffset);
        if (flushToDisk && endOffset > segment.FlushedOffset)
        {
            segment.File.Flush(segment.FlushedOffset, endOffset - segment.FlushedOffset);
        }

        segment.FlushedOffset = endOffset;
    }

    private void CompleteWaiters(ulong durableLsn, List<DurableWaiter> ready)
    {
        ready.Clear();
        lock (_waiterLock)
        {
            while (_waiters.TryPeek(out var waiter, out var lsn) && lsn <= durableLsn)
            {
                _waiters.Dequeue();
                ready.Add(waiter);
            }
        }

        // Dequeued from a min-heap: LSN order.
        foreach (var waiter in ready)
        {
            waiter.Complete(WalStatus.Ok);
        }
    }

    private void FailWaiters(WalStatus status)
    {
        List<DurableWaiter> failed;
        lock (_waiterLock)
        {
            failed = new List<DurableWaiter>(_waiters.Count);
            while (_waiters.TryDequeue(out var waiter, out _))
            {
                failed.Add(waiter);
            }
        }

        foreach (var waiter in failed)
        {
            waiter.Complete(status);
        }
    }

    /// <summary>Tells the sink about sealed, durable segments at or below the LWM, in order, once each.</summary>
    private void AnnounceSealedSegments()
    {
        var sink = _options.SealedSegmentSink;
        lock (_announceLock)
        {
            var lowWaterMarkLsn = LowWaterMark;
            foreach (var segment in Volatile.Read(ref _segmentTable).Segments)
            {
                if (segment.IsAnnounced)
                {
                    continue;
                }

                if (!segment.IsSealDurable || segment.LastLsn > lowWaterMarkLsn)
                {
                    break; // in order: nothing after an unannounced segment may go first
                }

                segment.IsAnnounced = true;
                sink?.OnSegmentSealed(new SealedSegmentInfo(segment.Id, segment.FirstLsn, segment.LastLsn, segment.RecordCount, segment.SizeBytes));
            }
        }
    }

    private void SignalPreparer()
    {
        if (_preparerThread is not null && Volatile.Read(ref _closing) == 0)
        {
            _preparerWake.Release();
        }
    }

    /// <summary>Keeps one spare segment file ready so a roll never waits for file creation (allocation, rename and two fsyncs, or a zero-fill of 64 MiB when enabled).</summary>
    private void PreparerLoop()
    {
        while (true)
        {
            _preparerWake.Wait();
            if (Volatile.Read(ref _closing) != 0)
            {
                return;
            }

            ulong id;
            lock (_spareLock)
            {
                if (_spare is not null || _preparing || _highestFileId != Volatile.Read(ref _active).Id)
                {
                    continue;
                }

                id = _highestFileId + 1;
                _preparing = true;
            }

            IWalSegmentFile? file = null;
            try
            {
                file = _device.CreateSegment(id, _options.SegmentSizeBytes);
            }
            catch (IOException exception)
            {
                Log($"WAL could not prepare segment {id} ahead: {exception.Message}");
            }

            lock (_spareLock)
            {
                _preparing = false;
                if (file is not null)
                {
                    _spare = file;
                    _highestFileId = id;
                }

                Monitor.PulseAll(_spareLock);
            }
        }
    }

    /// <summary>The spare if it is <paramref name="segmentId"/>, else a file created now.</summary>
    private IWalSegmentFile? TakeOrCreateSegmentFile(ulong segmentId, out WalStatus status)
    {
        status = WalStatus.Ok;
        lock (_spareLock)
        {
            while (_preparing)
            {
                Monitor.Wait(_spareLock);
            }

            if (_spare is not null)
            {
                Debug.Assert(_spare.SegmentId == segmentId, "the spare is always active + 1");
                var spare = _spare;
                _spare = null;
                return spare;
            }

            Debug.Assert(_highestFileId + 1 == segmentId);
            _preparing = true;
        }

        IWalSegmentFile? file = null;
        try
        {
            file = _device.CreateSegment(segmentId, _options.SegmentSizeBytes);
        }
        catch (IOException exception)
        {
            status = Classify(exception);
            Log($"WAL could not create segment {segmentId}: {exception.Message}");
        }
        finally
        {
            lock (_spareLock)
            {
                _preparing = false;
                if (file is not null)
                {
                    _highestFileId = segmentId;
                }

                Monitor.PulseAll(_spareLock);
            }
        }

        return file;
    }
}
