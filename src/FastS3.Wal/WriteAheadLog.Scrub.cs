using System.Diagnostics;
using FastS3.Wal.Format;

namespace FastS3.Wal;

public sealed partial class WriteAheadLog
{
    // Log scrub progress every 256 MiB: a few lines per GiB of log.
    private const long ScrubProgressEveryBytes = 256L << 20;

    // Sealed segments accepted at open on header and footer alone (filled by Recover).
    private readonly List<Segment> _unverified = [];
    private Thread? _scrubThread;
    private WalScrubReport _scrub = new(0, 0);
    private int _truncations;

    /// <summary>Background verification of the sealed segments opened without walking their chains.</summary>
    public WalScrubReport Scrub => _scrub;

    private void StartScrubber()
    {
        _scrub = new WalScrubReport(_unverified.Count, (long)_unverified.Count * _options.SegmentSizeBytes);
        if (_unverified.Count == 0)
        {
            return;
        }

        _scrubThread = new Thread(ScrubLoop) { IsBackground = true, Name = "wal-scrubber", Priority = ThreadPriority.Lowest };
        _scrubThread.Start();
    }

    /// <summary>
    /// Walks the record chain of every segment recovery trusted on its footer, checking every
    /// record's CRC, LSN order and the footer's counts. A failure is reported by name (case,
    /// segment, offset) through the log, <see cref="Scrub"/> and
    /// <see cref="WalOptions.SealedSegmentCorrupt"/>: it is never skipped silently.
    /// </summary>
    private void ScrubLoop()
    {
        var started = _options.TimeProvider.GetTimestamp();
        var progress = new ProgressState(_scrub.BytesToVerify, started);
        var nextReport = ScrubProgressEveryBytes;
        try
        {
            foreach (var segment in _unverified)
            {
                if (Volatile.Read(ref _closing) != 0)
                {
                    return;
                }

                if (!segment.TryAcquireLease())
                {
                    _scrub.Verified(0); // released before we got to it: nothing left to serve from it
                    continue;
                }

                try
                {
                    var truncations = Volatile.Read(ref _truncations);
                    var scan = ScanSegment(segment.File, progress, walkSealedChain: true);
                    var decision = Decide(scan);
                    if ((truncations & 1) != 0 || Volatile.Read(ref _truncations) != truncations || !segment.IsSealDurable)
                    {
                        _scrub.Verified(0); // an orchestrator truncation cut it (now or at open): no longer sealed data
                        continue;
                    }

                    if (decision == RecoveryCase.SealedTail && scan.HeaderFields.PreviousLsn == segment.PreviousLsn)
                    {
                        _scrub.Verified(scan.ChainEndOffset);
                    }
                    else
                    {
                        var offset = decision == RecoveryCase.CorruptFooter ? segment.FooterOffset : scan.ChainEndOffset;
                        var corruption = new WalCorruptionException(segment.Id, offset, decision == RecoveryCase.SealedTail ? RecoveryCase.SealedInconsistent : decision,
                            $"scrub: chain stopped with {scan.ChainStop}{(scan.LsnNotMonotonic ? " (LSN not monotonic)" : string.Empty)} after {scan.RecordCount} records");
                        _scrub.Failed(corruption);
                        Log($"WAL scrub: {corruption.Message}");
                        _options.SealedSegmentCorrupt?.Invoke(corruption);
                    }
                }
                finally
                {
                    segment.ReleaseLease();
                }

                if (progress.BytesScanned >= nextReport)
                {
                    nextReport = progress.BytesScanned + ScrubProgressEveryBytes;
                    LogScrubProgress(progress.BytesScanned, started);
                }
            }

            LogScrubProgress(progress.BytesScanned, started);
        }
        finally
        {
            _scrub.Complete();
        }
    }

    private void LogScrubProgress(long bytes, long started)
    {
        var elapsed = _options.TimeProvider.GetElapsedTime(started);
        var total = _scrub.BytesToVerify;
        var rate = elapsed.TotalSeconds > 0 ? bytes / elapsed.TotalSeconds / (1 << 20) : 0;
        Debug.Assert(bytes <= total);
        Log($"WAL scrub: {_scrub.SegmentsVerified}/{_scrub.SegmentsToVerify} sealed segments, {bytes >> 20}/{total >> 20} MiB ({(total > 0 ? 100.0 * bytes / total : 100):F0}%) verified at {rate:F0} MiB/s, {_scrub.Corrupt.Count} corrupt");
    }

    private void StopScrubber() => _scrubThread?.Join();
}
