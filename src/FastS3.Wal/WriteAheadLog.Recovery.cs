using System.Diagnostics;
using FastS3.Wal.Device;
using FastS3.Wal.Format;

namespace FastS3.Wal;

public sealed partial class WriteAheadLog
{
    // Progress is reported every 8 MiB of chain: ~1 ms of CRC work, frequent enough to watch.
    private const long ProgressIntervalBytes = 8 << 20;

    /// <summary>
    /// The decision table (TigerBeetle's journal keeps its recovery cases as a table for the same
    /// reason: every combination is named and tested). Columns: footer, header, how the chain walk
    /// stopped. A sealed segment (valid footer) must read back completely; anything else is the
    /// tail, repaired by truncation. Pure, so tests can call it for every row.
    /// </summary>
    internal static RecoveryCase Decide(in SegmentScan scan)
    {
        return (scan.Footer, scan.Header) switch
        {
            (SegmentScan.PartState.Invalid, _) => RecoveryCase.CorruptFooter,
            (SegmentScan.PartState.Valid, not SegmentScan.PartState.Valid) => RecoveryCase.SealedBadHeader,
            (SegmentScan.PartState.Valid, SegmentScan.PartState.Valid) => scan.ChainStop == WalRecordCheck.Ok && !scan.LsnNotMonotonic && !scan.UnexpectedInternalType
                ? (scan.ChainEndOffset == scan.FooterFields.ChainEndOffset && scan.RecordCount == scan.FooterFields.RecordCount && scan.LastLsn == scan.FooterFields.LastLsn
                    ? RecoveryCase.SealedTail
                    : RecoveryCase.SealedInconsistent)
                : RecoveryCase.SealedBadRecord,
            (_, SegmentScan.PartState.Zero) => RecoveryCase.EmptyTailSegment,
            (_, SegmentScan.PartState.Invalid) => RecoveryCase.TailTornHeader,
            _ when scan.LsnNotMonotonic => RecoveryCase.TailLsnNotMonotonic,
            _ => scan.ChainStop switch
            {
                WalRecordCheck.Ok => RecoveryCase.CleanTail,
                WalRecordCheck.BadMagic or WalRecordCheck.BadVersion => RecoveryCase.TailTornRecord,
                WalRecordCheck.BadCrc => RecoveryCase.TailCrcBad,
                WalRecordCheck.BadLength or WalRecordCheck.NoRoom => RecoveryCase.TailTruncatedPayload,
                WalRecordCheck.WrongSegment => RecoveryCase.TailStaleRecord,
                _ => RecoveryCase.TailTornRecord, // a WAL-internal type inside the data area
            },
        };
    }

    private static bool IsCorruption(RecoveryCase recoveryCase) =>
        recoveryCase is RecoveryCase.CorruptFooter or RecoveryCase.SealedBadHeader or RecoveryCase.SealedBadRecord
            or RecoveryCase.SealedInconsistent or RecoveryCase.MissingSegment;

    private void Recover()
    {
        var started = _options.TimeProvider.GetTimestamp();
        var report = _recoveryReport;

        var metadataBytes = _device.ReadMetadata();
        if (metadataBytes is not null && !WalMetadata.TryRead(metadataBytes, out _metadata))
        {
            // Durable replace makes a torn metadata file impossible; a bad one is media corruption.
            throw new WalCorruptionException(0, 0, RecoveryCase.CorruptFooter, "wal.meta fails its magic/version/CRC check");
        }

        _lowWaterMarkLsn = Math.Max(_metadata.LowWaterMarkLsn, _metadata.S3HwmLsn); // a standalone log switching to a held LWM starts at its cold-tier mark
        _s3HwmLsn = _metadata.S3HwmLsn;
        Debug.Assert(_s3HwmLsn <= _lowWaterMarkLsn || !_holdsLowWaterMark);

        var offloaded = LoadOffloadManifest();
        var ids = _device.ListSegmentIds();
        var live = new List<ulong>(ids.Count + offloaded.Count);
        foreach (var id in ids)
        {
            if (id < _metadata.FirstLiveSegmentId)
            {
                Log($"WAL recovery: segment {id} is below the first live segment {_metadata.FirstLiveSegmentId} (release interrupted); recycling it");
                _device.RecycleSegment(id);
            }
            else if (offloaded.ContainsKey(id))
            {
                Log($"WAL recovery: segment {id} is offloaded (manifest) but its file is still here (offload interrupted); recycling it");
                _device.RecycleSegment(id);
            }
            else
            {
                live.Add(id);
            }
        }

        var totalBytes = (long)live.Count * _options.SegmentSizeBytes;
        live.AddRange(offloaded.Keys);
        live.Sort();
        var progress = new ProgressState(totalBytes, started) { Callback = _options.RecoveryProgress, Time = _options.TimeProvider };
        var previousLastLsn = 0UL;
        Segment? tail = null;
        var index = 0;
        for (; index < live.Count; index++)
        {
            var id = live[index];
            if (index > 0 && id != live[index - 1] + 1)
            {
                throw new WalCorruptionException(id, 0, RecoveryCase.MissingSegment, $"segment {live[index - 1] + 1} is missing");
            }

            if (offloaded.TryGetValue(id, out var entry))
            {
                // Known from the manifest, never scanned: its file is gone and it was whole when sealed.
                if (index > 0 && entry.PreviousLsn != previousLastLsn)
                {
                    throw new WalCorruptionException(id, 0, RecoveryCase.SealedInconsistent, $"offloaded segment says previous LSN {entry.PreviousLsn}, previous segment ends at {previousLastLsn}");
                }

                AddSegment(Segment.Offloaded(entry));
                report.DecisionList.Add(new RecoveryDecision(id, RecoveryCase.Offloaded, 0));
                report.RecordsRecovered += entry.RecordCount;
                previousLastLsn = entry.LastLsn;
                continue;
            }

            var file = _device.OpenSegment(id, _options.SegmentSizeBytes);
            var scan = ScanSegment(file, progress, walkSealedChain: _options.SealedVerification == SealedVerification.OnOpen);
            var decision = Decide(scan);
            if (IsCorruption(decision))
            {
                file.Dispose();
                var offset = decision == RecoveryCase.CorruptFooter ? file.SizeBytes - SealFooter.RecordSizeBytes : scan.ChainEndOffset;
                throw new WalCorruptionException(id, offset, decision, $"chain stopped with {scan.ChainStop}{(scan.LsnNotMonotonic ? " (LSN not monotonic)" : string.Empty)} after {scan.RecordCount} records");
            }

            if (scan.Header == SegmentScan.PartState.Valid && index > 0 && scan.HeaderFields.PreviousLsn != previousLastLsn)
            {
                file.Dispose();
                throw new WalCorruptionException(id, 0, RecoveryCase.SealedInconsistent, $"header says previous LSN {scan.HeaderFields.PreviousLsn}, previous segment ends at {previousLastLsn}");
            }

            if (scan.Header == SegmentScan.PartState.Valid && scan.HeaderFields.LsnMode != (byte)_options.LsnMode)
            {
                file.Dispose();
                throw new InvalidOperationException($"segment {id} was written in LSN mode {(WalLsnMode)scan.HeaderFields.LsnMode}, the log is opened in {_options.LsnMode}");
            }

            var basePrevious = scan.Header == SegmentScan.PartState.Valid ? scan.HeaderFields.PreviousLsn : previousLastLsn;
            var segment = new Segment(file, basePrevious, baseOrdinal: 0);
            AddSegment(segment);
            report.DecisionList.Add(new RecoveryDecision(id, decision, decision == RecoveryCase.SealedTail ? 0 : scan.ChainEndOffset));
            report.RecordsRecovered += scan.RecordCount;

            if (decision == RecoveryCase.SealedTail)
            {
                segment.FirstLsn = scan.FooterFields.FirstLsn;
                segment.LastLsn = scan.FooterFields.LastLsn;
                segment.RecordCount = scan.RecordCount;
                segment.ChainEndOffset = scan.ChainEndOffset;
                segment.FlushedOffset = segment.SizeBytes;
                segment.IsSealDurable = true;
                segment.SetReservation(scan.ChainEndOffset, scan.RecordCount + 1, sealedFlag: true);
                previousLastLsn = scan.FooterFields.LastLsn;
                if (scan.ChainTrusted)
                {
                    _unverified.Add(segment);
                }

                continue;
            }

            // The first unsealed segment is the tail: everything after it never became durable in
            // order (the flusher makes a segment's seal durable before any later byte counts).
            tail = segment;
            report.TailCase = decision;
            RepairTail(segment, scan, decision, previousLastLsn);
            previousLastLsn = scan.RecordCount > 0 ? scan.LastLsn : segment.PreviousLsn;
            index++;
            break;
        }

        for (; index < live.Count; index++)
        {
            var id = live[index];
            if (offloaded.ContainsKey(id))
            {
                throw new WalCorruptionException(id, 0, RecoveryCase.MissingSegment, $"offloaded segment {id} follows the unsealed tail {tail!.Id}");
            }

            using (var file = _device.OpenSegment(id, _options.SegmentSizeBytes))
            {
                var scan = ScanSegment(file, progress, walkSealedChain: false); // only its footer matters here
                if (scan.Footer == SegmentScan.PartState.Valid)
                {
                    throw new WalCorruptionException(id, file.SizeBytes - SealFooter.RecordSizeBytes, RecoveryCase.MissingSegment,
                        $"sealed segment {id} follows the unsealed tail {tail!.Id}");
                }
            }

            Log($"WAL recovery: discarding unsealed segment {id} after the tail {tail!.Id} (never acknowledged)");
            report.DecisionList.Add(new RecoveryDecision(id, RecoveryCase.DiscardedAfterTail, 0));
            _device.RecycleSegment(id);
        }

        if (tail is null)
        {
            // Empty log, or every segment sealed: start the next one.
            var nextId = live.Count == 0 ? Math.Max(1, _metadata.FirstLiveSegmentId) : live[^1] + 1;
            if (live.Count == 0)
            {
                report.TailCase = RecoveryCase.EmptyLog;
                report.DecisionList.Add(new RecoveryDecision(nextId, RecoveryCase.EmptyLog, 0));
                previousLastLsn = _holdsLowWaterMark ? _lowWaterMarkLsn : 0;
            }
            else
            {
                report.TailCase = RecoveryCase.SealedTail;
            }

            _highestFileId = nextId - 1;
            var file = TakeOrCreateSegmentFile(nextId, out var status);
            if (file is null)
            {
                throw new IOException($"WAL cannot create segment {nextId}: {status}");
            }

            tail = new Segment(file, previousLastLsn, baseOrdinal: 0);
            WriteSegmentHeader(tail);
            tail.File.Flush(0, SegmentHeader.RecordSizeBytes);
            tail.FlushedOffset = SegmentHeader.RecordSizeBytes;
            AddSegment(tail);
        }

        _highestFileId = tail.Id;
        _active = tail;
        var tailCount = Segment.CountOf(Volatile.Read(ref tail.Reservation));
        tail.BaseOrdinal = -tailCount; // the next publish ordinal is 0, matching _flushCursor
        _durableLsn = previousLastLsn;
        _lastAssignedLsn = previousLastLsn;
        report.LastLsn = previousLastLsn;

        if (_holdsLowWaterMark && previousLastLsn < _lowWaterMarkLsn)
        {
            throw new WalCorruptionException(tail.Id, 0, RecoveryCase.SealedInconsistent,
                $"the log ends at LSN {previousLastLsn}, below the persisted low-water mark {_lowWaterMarkLsn}: committed records are missing");
        }

        if (_metadata.TruncatedAfterLsn != 0)
        {
            // A TruncateSuffix was interrupted: finish it (idempotent), then clear the intent.
            var status = TruncateSuffixCore(_metadata.TruncatedAfterLsn);
            if (status != WalStatus.Ok)
            {
                throw new IOException($"WAL could not finish an interrupted truncation after LSN {_metadata.TruncatedAfterLsn}: {status}");
            }
        }

        report.BytesScanned = progress.BytesScanned;
        report.Elapsed = _options.TimeProvider.GetElapsedTime(started);
        progress.Report(_options.RecoveryProgress, _options.TimeProvider, final: true);
        DropReleasedOffloads();
        Log($"WAL recovery: {report.RecordsRecovered} records, {report.BytesScanned} bytes in {report.Elapsed.TotalMilliseconds:F1} ms; tail {tail.Id}: {report.TailCase}; last LSN {report.LastLsn}");
        AnnounceSealedSegments();
    }

    private void RepairTail(Segment segment, in SegmentScan scan, RecoveryCase decision, ulong previousLastLsn)
    {
        switch (decision)
        {
            case RecoveryCase.EmptyTailSegment:
            case RecoveryCase.TailTornHeader:
                // Nothing in this segment was ever acknowledged (its header is flushed with its
                // first batch). Zero what a previous life or a torn write left, write a fresh header.
                segment.PreviousLsn = previousLastLsn;
                ZeroFrom(segment, 0);
                WriteSegmentHeader(segment);
                segment.File.Flush(0, SegmentHeader.RecordSizeBytes);
                segment.SetReservation(SegmentHeader.RecordSizeBytes, 0, sealedFlag: false);
                segment.FlushedOffset = SegmentHeader.RecordSizeBytes;
                break;
            case RecoveryCase.CleanTail:
            case RecoveryCase.TailTornRecord:
            case RecoveryCase.TailCrcBad:
            case RecoveryCase.TailTruncatedPayload:
            case RecoveryCase.TailStaleRecord:
            case RecoveryCase.TailLsnNotMonotonic:
                if (decision != RecoveryCase.CleanTail)
                {
                    Log($"WAL recovery: segment {segment.Id}: {decision} at offset {scan.ChainEndOffset}; truncating the tail there");
                }

                // Zero from the truncation point even for a clean tail: records of this life may
                // lie beyond a zero page (the kernel writes dirty pages back in any order), and a
                // later append ending exactly at one would resurrect it.
                ZeroFrom(segment, scan.ChainEndOffset);
                segment.SetReservation(scan.ChainEndOffset, scan.RecordCount, sealedFlag: false);
                segment.FlushedOffset = scan.ChainEndOffset;
                segment.FirstLsn = scan.FirstLsn;
                break;
            default:
                throw new UnreachableException($"not a tail case: {decision}");
        }
    }

    /// <summary>
    /// Zeroes [<paramref name="offset"/>, end of file) where it is not already zero, and flushes.
    /// Only non-zero pages are written, so a clean 64 MiB tail costs a read, not a 64 MiB write.
    /// </summary>
    private static void ZeroFrom(Segment segment, int offset)
    {
        const int PageBytes = 4096;
        var dirtyFrom = -1;
        var dirtyTo = -1;
        for (var pageStart = offset; pageStart < segment.SizeBytes;)
        {
            var pageEnd = Math.Min(segment.SizeBytes, (pageStart & ~(PageBytes - 1)) + PageBytes);
            var span = segment.File.GetSpan(pageStart, pageEnd - pageStart);
            if (span.IndexOfAnyExcept((byte)0) >= 0)
            {
                span.Clear();
                dirtyFrom = dirtyFrom < 0 ? pageStart : dirtyFrom;
                dirtyTo = pageEnd;
            }

            pageStart = pageEnd;
        }

        if (dirtyFrom >= 0)
        {
            segment.File.Flush(dirtyFrom, dirtyTo - dirtyFrom);
        }
    }

    private static SegmentScan ScanSegment(IWalSegmentFile file, ProgressState progress, bool walkSealedChain = true)
    {
        var footerOffset = file.SizeBytes - SealFooter.RecordSizeBytes;
        SegmentScan scan;
        if (!walkSealedChain)
        {
            // Two small reads instead of touching the mapping: a fault on a cold mapping pulls in a
            // whole readahead window (8 MiB on this machine's disk), twice per segment, which made
            // opening a 10 GiB log take seconds while reading only kilobytes that mattered.
            Span<byte> headerRecord = stackalloc byte[SegmentHeader.RecordSizeBytes];
            Span<byte> footerRecord = stackalloc byte[SealFooter.RecordSizeBytes];
            file.ReadDirect(0, headerRecord);
            file.ReadDirect(footerOffset, footerRecord);
            scan = CheckEnds(file, headerRecord, footerRecord);
            if (scan.Header == SegmentScan.PartState.Valid && scan.Footer == SegmentScan.PartState.Valid)
            {
                // Trust the CRC-checked footer for now; the scrubber walks the chain after open.
                scan.ChainTrusted = true;
                scan.ChainStop = WalRecordCheck.Ok;
                scan.ChainEndOffset = scan.FooterFields.ChainEndOffset;
                scan.RecordCount = scan.FooterFields.RecordCount;
                scan.FirstLsn = scan.FooterFields.FirstLsn;
                scan.LastLsn = scan.FooterFields.LastLsn;
                return scan;
            }
        }

        scan = CheckEnds(file, file.GetSpan(0, SegmentHeader.RecordSizeBytes), file.GetSpan(footerOffset, SealFooter.RecordSizeBytes));
        if (scan.Header != SegmentScan.PartState.Valid)
        {
            return scan;
        }

        var sealedChainEnd = scan.Footer == SegmentScan.PartState.Valid ? scan.FooterFields.ChainEndOffset : -1;
        var offset = SegmentHeader.RecordSizeBytes;
        var previousLsn = scan.HeaderFields.PreviousLsn;
        scan.LastLsn = previousLsn;
        scan.ChainStop = WalRecordCheck.Ok;
        while (offset != sealedChainEnd)
        {
            var check = WalRecordHeader.Validate(file.GetSpan(offset, footerOffset - offset), file.SegmentId, footerOffset - offset, out var record);
            if (check == WalRecordCheck.Zero && sealedChainEnd < 0)
            {
                break;
            }

            if (check == WalRecordCheck.NoRoom && sealedChainEnd < 0)
            {
                break; // the record area is exactly full
            }

            if (check != WalRecordCheck.Ok)
            {
                scan.ChainStop = check == WalRecordCheck.Zero ? WalRecordCheck.BadLength : check;
                break;
            }

            if (!WalRecordType.IsEngineType(record.Type))
            {
                scan.UnexpectedInternalType = true;
                scan.ChainStop = WalRecordCheck.BadMagic;
                break;
            }

            if (record.Lsn <= previousLsn)
            {
                scan.LsnNotMonotonic = true;
                break;
            }

            var size = WalRecordHeader.RecordSizeBytes((int)record.PayloadLengthBytes);
            if (sealedChainEnd >= 0 && offset + size > sealedChainEnd)
            {
                scan.ChainStop = WalRecordCheck.BadLength;
                break;
            }

            scan.FirstLsn = scan.RecordCount == 0 ? record.Lsn : scan.FirstLsn;
            scan.RecordCount++;
            scan.LastLsn = record.Lsn;
            previousLsn = record.Lsn;
            offset += size;
            progress.Advance(size);
        }

        scan.ChainEndOffset = offset;
        return scan;
    }

    /// <summary>Checks a segment's header record and footer record (CRC, type, fields) from the given bytes.</summary>
    private static SegmentScan CheckEnds(IWalSegmentFile file, ReadOnlySpan<byte> headerRecord, ReadOnlySpan<byte> footerRecord)
    {
        var scan = default(SegmentScan);
        var footerOffset = file.SizeBytes - SealFooter.RecordSizeBytes;
        var footerCheck = WalRecordHeader.Validate(footerRecord, file.SegmentId, SealFooter.RecordSizeBytes, out var footerHeader);
        if (footerCheck == WalRecordCheck.Zero)
        {
            scan.Footer = SegmentScan.PartState.Zero;
        }
        else if (footerCheck == WalRecordCheck.Ok && footerHeader.Type == WalRecordType.Seal && footerHeader.PayloadLengthBytes == SealFooter.Size)
        {
            scan.Footer = SegmentScan.PartState.Valid;
            scan.FooterFields = SealFooter.Read(footerRecord.Slice(WalRecordHeader.Size, SealFooter.Size));
            if (scan.FooterFields.ChainEndOffset < SegmentHeader.RecordSizeBytes || scan.FooterFields.ChainEndOffset > footerOffset)
            {
                scan.Footer = SegmentScan.PartState.Invalid;
            }
        }
        else
        {
            scan.Footer = SegmentScan.PartState.Invalid;
        }

        var headerCheck = WalRecordHeader.Validate(headerRecord, file.SegmentId, SegmentHeader.RecordSizeBytes, out var header);
        if (headerCheck == WalRecordCheck.Zero)
        {
            scan.Header = SegmentScan.PartState.Zero;
            return scan;
        }

        if (headerCheck != WalRecordCheck.Ok || header.Type != WalRecordType.SegmentHeader || header.PayloadLengthBytes != SegmentHeader.Size)
        {
            scan.Header = SegmentScan.PartState.Invalid;
            return scan;
        }

        scan.HeaderFields = SegmentHeader.Read(headerRecord.Slice(WalRecordHeader.Size, SegmentHeader.Size));
        scan.Header = scan.HeaderFields.FormatVersion != SegmentHeader.CurrentFormatVersion || scan.HeaderFields.SegmentId != file.SegmentId
            || scan.HeaderFields.SegmentSizeBytes != file.SizeBytes || scan.HeaderFields.PreviousLsn != header.Lsn
            ? SegmentScan.PartState.Invalid
            : SegmentScan.PartState.Valid;
        return scan;
    }

    private sealed class ProgressState(long totalBytes, long startTimestamp)
    {
        private long _sinceReportBytes;

        public long BytesScanned { get; private set; }

        public long Records { get; private set; }

        public Action<WalRecoveryProgress>? Callback { get; set; }

        public TimeProvider? Time { get; set; }

        public void Advance(int bytes)
        {
            BytesScanned += bytes;
            Records++;
            _sinceReportBytes += bytes;
            if (_sinceReportBytes >= ProgressIntervalBytes && Callback is not null && Time is not null)
            {
                _sinceReportBytes = 0;
                Report(Callback, Time, final: false);
            }
        }

        public void Report(Action<WalRecoveryProgress>? callback, TimeProvider time, bool final)
        {
            _ = final;
            callback?.Invoke(new WalRecoveryProgress(Records, BytesScanned, totalBytes, time.GetElapsedTime(startTimestamp)));
        }
    }
}
