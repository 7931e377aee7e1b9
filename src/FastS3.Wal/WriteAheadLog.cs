using System.Collections.Concurrent;
using System.Diagnostics;
using FastS3.Wal.Device;
using FastS3.Wal.Format;

namespace FastS3.Wal;

/// <summary>
/// The write-ahead log: fixed-size memory-mapped segments, lock-free appends, one dedicated
/// flusher thread doing group commit, recovery with a decision table, LSN watermarks.
/// </summary>
/// <remarks>
/// <para>Append path: reserve space with one CAS on the active segment's reservation word, copy
/// header and payload into the mapping, CRC, publish into a ring slot. No lock is taken in
/// standalone mode; in external mode a short lock orders "check LSN &gt; last, reserve" (the
/// orchestrator feeds entries from one apply loop, so it is uncontended).</para>
/// <para>Failure model: a failed flush moves the log to a failed state for good. After fsync
/// reports EIO, Linux may already have dropped the dirty pages and cleared the error, so a retry
/// can "succeed" with the data gone (PostgreSQL's fsyncgate, 2018: they now PANIC and recover).
/// We do the same: every waiter and every later append gets <see cref="WalStatus.IoError"/>, and
/// reopening runs recovery over what really is on disk.</para>
/// <para>Shutdown: call <see cref="Dispose"/> after the last append/read has returned; spans from
/// the mappings do not survive it.</para>
/// </remarks>
public sealed partial class WriteAheadLog : IDisposable
{
    private readonly IWalDevice _device;
    private readonly WalOptions _options;
    private readonly int _maxPayloadBytes;
    private readonly bool _externalLsns;
    private readonly bool _holdsLowWaterMark; // external mode, or a caller-held LWM over the sequencer
    private readonly PublishSlot[] _slots;
    private readonly long _slotMask;
    private readonly Lock _externalLock = new();
    private readonly Lock _rollLock = new();
    private readonly Lock _metadataLock = new();
    private readonly Lock _announceLock = new();
    private readonly Lock _segmentTableLock = new();
    private readonly Lock _waiterLock = new();
    private readonly object _spareLock = new();
    private readonly PriorityQueue<DurableWaiter, ulong> _waiters = new();
    private readonly ConcurrentQueue<DurableWaiter> _waiterPool = new();
    private readonly ManualResetEventSlim _flusherWake = new(false, spinCount: 20);
    private readonly SemaphoreSlim _preparerWake = new(0, int.MaxValue);
    private readonly Thread _flusherThread;
    private readonly Thread? _preparerThread;
    private readonly WalRecoveryReport _recoveryReport;

    // Live segments by id; replaced as a whole (copy on write) under _segmentTableLock so readers
    // index it without a lock.
    private SegmentTable _segmentTable = SegmentTable.Empty;
    private Segment _active;

    private ulong _durableLsn;
    private ulong _lastAssignedLsn; // external mode, under _externalLock
    private ulong _lowWaterMarkLsn; // external mode
    private ulong _s3HwmLsn;
    private WalMetadata _metadata;

    private long _flushCursor;     // next ordinal the flusher consumes
    private long _completedCursor; // ordinals below this are flushed and their waiters released
    private int _flusherIdle;
    private int _failure;          // WalStatus; Ok while healthy
    private int _closing;

    private IWalSegmentFile? _spare;
    private bool _preparing;
    private ulong _highestFileId;

    private long _flushCount;
    private long _flushedRecordCount;

    private WriteAheadLog(IWalDevice device, WalOptions options)
    {
        options.Validate();
        _device = device;
        _options = options;
        _maxPayloadBytes = options.EffectiveMaxPayloadBytes;
        _externalLsns = options.LsnMode == WalLsnMode.External;
        _holdsLowWaterMark = _externalLsns || options.HoldLowWaterMark;
        _slots = new PublishSlot[options.PublishQueueSlots];
        _slotMask = options.PublishQueueSlots - 1;
        _recoveryReport = new WalRecoveryReport();
        _active = null!; // set by Recover before the constructor returns to Open

        _flusherThread = new Thread(FlusherLoop) { IsBackground = true, Name = "wal-flusher" };
        if (options.PrepareSegmentsAhead)
        {
            _preparerThread = new Thread(PreparerLoop) { IsBackground = true, Name = "wal-segment-preparer", Priority = ThreadPriority.BelowNormal };
        }
    }

    /// <summary>Largest payload one record may carry.</summary>
    public int MaxPayloadBytes => _maxPayloadBytes;

    /// <summary>Every record with LSN &lt;= this is durable (per <see cref="Durability"/>).</summary>
    public ulong DurableLsn => Volatile.Read(ref _durableLsn);

    /// <summary>
    /// Low-water mark: committed and applied everywhere. Standalone without
    /// <see cref="WalOptions.HoldLowWaterMark"/>: equals <see cref="DurableLsn"/>.
    /// </summary>
    public ulong LowWaterMark => _holdsLowWaterMark ? Volatile.Read(ref _lowWaterMarkLsn) : DurableLsn;

    /// <summary>
    /// An LSN at or above every record reserved so far (a record reserved after this is read gets
    /// a higher one): a caller's floor for "records I append from now on".
    /// </summary>
    public ulong LastAssignedLsn
    {
        get
        {
            if (_externalLsns)
            {
                lock (_externalLock)
                {
                    return _lastAssignedLsn;
                }
            }

            var active = Volatile.Read(ref _active);
            return active.PreviousLsn + (ulong)Segment.CountOf(Volatile.Read(ref active.Reservation));
        }
    }

    /// <summary>Highest LSN stored in the cold tier (persisted; never above <see cref="LowWaterMark"/>).</summary>
    public ulong S3Hwm => Volatile.Read(ref _s3HwmLsn);

    /// <summary>LSN mode.</summary>
    public WalLsnMode LsnMode => _options.LsnMode;

    /// <summary>What recovery found when this instance opened.</summary>
    public WalRecoveryReport Recovery => _recoveryReport;

    /// <summary>Id of the segment appends currently go to.</summary>
    public ulong ActiveSegmentId => Volatile.Read(ref _active).Id;

    /// <summary>Lowest live segment id: every segment below it was released.</summary>
    public ulong FirstSegmentId => Volatile.Read(ref _segmentTable).FirstId;

    /// <summary>Live segment ids, ascending.</summary>
    public IReadOnlyList<ulong> SegmentIds => Volatile.Read(ref _segmentTable).Ids();

    /// <summary>Flushes performed (group commits).</summary>
    public long FlushCount => Interlocked.Read(ref _flushCount);

    /// <summary>Records (and seals) made durable by those flushes.</summary>
    public long FlushedRecordCount => Interlocked.Read(ref _flushedRecordCount);

    /// <summary>Non-Ok once a flush failed; the log must be reopened.</summary>
    public WalStatus Failure => (WalStatus)Volatile.Read(ref _failure);

    /// <summary>Opens (recovering) or creates a log in <paramref name="directory"/> on the real file device.</summary>
    public static WriteAheadLog Open(string directory, WalOptions? options = null, WalFlushMethod flushMethod = WalFlushMethod.Msync) =>
        Open(new FileWalDevice(directory, flushMethod), options);

    /// <summary>
    /// Opens a log on <paramref name="device"/>: runs recovery (may throw
    /// <see cref="WalCorruptionException"/>), then starts the flusher.
    /// </summary>
    public static WriteAheadLog Open(IWalDevice device, WalOptions? options = null)
    {
        var log = new WriteAheadLog(device, options ?? new WalOptions());
        if (log._options.SealedSegmentReader is not null)
        {
            // Before recovery announces anything: the sink may report its first offload at once.
            log._options.SealedSegmentSink?.OnLogOpened(log);
        }

        try
        {
            log.Recover();
        }
        catch
        {
            log.DisposeSegments();
            throw;
        }

        log._flusherThread.Start();
        log._preparerThread?.Start();
        log.SignalPreparer();
        log.StartScrubber();
        return log;
    }

    /// <summary>
    /// Stops the flusher after it has flushed everything published, completes remaining waiters
    /// with <see cref="WalStatus.Closed"/>, and unmaps the segments.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _flusherWake.Set();
        _flusherThread.Join();
        StopScrubber();
        _preparerWake.Release();
        _preparerThread?.Join();
        FailWaiters(WalStatus.Closed);
        lock (_offloadLock)
        {
            // An offload in flight (the sink's thread) finishes first; later ones see _closing.
            DisposeSegments();
        }

        _flusherWake.Dispose();
        _preparerWake.Dispose();
    }

    internal void ReturnWaiter(DurableWaiter waiter) => _waiterPool.Enqueue(waiter);

    private static WalStatus Classify(IOException exception) =>
        exception.HResult is FileWalDevice.ENOSPC or unchecked((int)0x80070070) or unchecked((int)0x80070027)
            ? WalStatus.DiskFull
            : WalStatus.IoError;

    private void Log(string message) => _options.Log?.Invoke(message);

    private void DisposeSegments()
    {
        foreach (var segment in Volatile.Read(ref _segmentTable).Segments)
        {
            segment?.DisposeFile();
        }

        lock (_spareLock)
        {
            _spare?.Dispose();
            _spare = null;
        }
    }

    private void AddSegment(Segment segment)
    {
        lock (_segmentTableLock)
        {
            Volatile.Write(ref _segmentTable, Volatile.Read(ref _segmentTable).With(segment));
        }
    }

    private bool TryGetSegment(ulong segmentId, out Segment segment)
    {
        var found = Volatile.Read(ref _segmentTable).Find(segmentId);
        segment = found!;
        return found is not null;
    }

    private void WriteSegmentHeader(Segment segment)
    {
        var span = segment.File.GetSpan(0, SegmentHeader.RecordSizeBytes);
        WalRecordHeader.WriteUnsealed(span, WalRecordType.SegmentHeader, 0, SegmentHeader.Size, segment.PreviousLsn, segment.Id);
        new SegmentHeader
        {
            FormatVersion = SegmentHeader.CurrentFormatVersion,
            LsnMode = (byte)_options.LsnMode,
            SegmentSizeBytes = segment.SizeBytes,
            SegmentId = segment.Id,
            PreviousLsn = segment.PreviousLsn,
            CreatedUnixMs = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
            CreatorProcessId = Environment.ProcessId,
        }.Write(span[WalRecordHeader.Size..]);
        WalRecordHeader.Seal(span);
        Debug.Assert(WalRecordHeader.Validate(span, segment.Id, SegmentHeader.RecordSizeBytes, out _) == WalRecordCheck.Ok);
    }

    private static void WriteSealFooter(Segment segment, in SealFooter footer)
    {
        var span = segment.File.GetSpan(segment.FooterOffset, SealFooter.RecordSizeBytes);
        WalRecordHeader.WriteUnsealed(span, WalRecordType.Seal, 0, SealFooter.Size, footer.LastLsn, segment.Id);
        footer.Write(span[WalRecordHeader.Size..]);
        WalRecordHeader.Seal(span);
    }
}
