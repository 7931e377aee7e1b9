using System.Collections.Concurrent;
using System.Diagnostics;
using FastS3.Wal;

namespace FastS3.Segments;

/// <summary>
/// Feeds sealed WAL segments to the store: <see cref="OnSegmentSealed"/> enqueues, one dedicated
/// thread (not the request thread pool: each segment costs k + m fsyncs) writes shards in seal
/// order. The queue is bounded: when the coder falls <c>capacity</c> segments behind, the log's
/// flusher blocks in <see cref="OnSegmentSealed"/>, so the WAL cannot outrun erasure coding by more
/// than capacity x segment size of disk. Once a segment's shards are all durable, the sink tells
/// the log (<see cref="ISegmentOffloadTarget"/>), which records it and removes the local file.
/// </summary>
public sealed class ErasureCodingSink : ISealedSegmentSink, IDisposable
{
    private readonly ErasureSegmentStore _store;
    private readonly Func<ulong, string> _segmentPath;
    private readonly Action<SealedSegmentInfo, SegmentWriteResult>? _onWritten;
    private readonly BlockingCollection<(SealedSegmentInfo Segment, bool IsRetry)> _queue;
    private readonly ConcurrentQueue<SealedSegmentInfo> _failed = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ISegmentOffloadTarget? _log;
    private long _lastWrittenSegmentId = -1;
    private long _offloadedSegments;
    private int _failedSegments;

    /// <summary>Starts the coder thread.</summary>
    /// <param name="store">Where shards go.</param>
    /// <param name="segmentPath">The sealed segment file of an id (the WAL's naming).</param>
    /// <param name="capacity">Sealed segments that may wait; 4 x 64 MiB = 256 MiB of WAL ahead of the coder.</param>
    /// <param name="onWritten">Called on the coder thread after each segment, with its result (a shipper or metrics hook).</param>
    public ErasureCodingSink(
        ErasureSegmentStore store, Func<ulong, string> segmentPath, int capacity = 4, Action<SealedSegmentInfo, SegmentWriteResult>? onWritten = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _store = store;
        _segmentPath = segmentPath;
        _onWritten = onWritten;
        _queue = new BlockingCollection<(SealedSegmentInfo, bool)>(new ConcurrentQueue<(SealedSegmentInfo, bool)>(), capacity);
        _thread = new Thread(Run) { IsBackground = true, Name = "fasts3-erasure-coder" };
        _thread.Start();
    }

    /// <summary>Sealed segments waiting for the coder.</summary>
    public int PendingCount => _queue.Count;

    /// <summary>The last segment whose shards are all durable, or -1.</summary>
    public long LastWrittenSegmentId => Interlocked.Read(ref _lastWrittenSegmentId);

    /// <summary>Segments the log accepted as offloaded (local file removed).</summary>
    public long OffloadedSegments => Interlocked.Read(ref _offloadedSegments);

    /// <summary>Segments whose shard write failed (the WAL still holds them).</summary>
    public int FailedSegments => Volatile.Read(ref _failedSegments);

    /// <summary>Completes when the coder thread has drained the queue after <see cref="Complete"/>.</summary>
    public Task Completion => _completed.Task;

    /// <summary>Enqueues; blocks while <c>capacity</c> segments already wait (back-pressure on the flusher).</summary>
    public void OnSegmentSealed(SealedSegmentInfo segment) => _queue.Add((segment, false));

    /// <summary>Segments whose shard write failed with an I/O error (e.g. a data directory was down) and wait for <see cref="RetryFailed"/>.</summary>
    public int RetryableCount => _failed.Count;

    /// <summary>
    /// Queues the segments whose shard write failed again (call once the store is whole: after a
    /// directory rebuild). Never blocks: what does not fit now stays for the next call. Returns how
    /// many were queued.
    /// </summary>
    public int RetryFailed()
    {
        var queued = 0;
        var count = _failed.Count;
        while (count-- > 0 && !_queue.IsAddingCompleted && _failed.TryPeek(out var segment) && _queue.TryAdd((segment, true)))
        {
            _failed.TryDequeue(out _);
            queued++;
        }

        return queued;
    }

    /// <summary>The log to report durable shards to (each open of the log attaches itself again).</summary>
    public void OnLogOpened(ISegmentOffloadTarget log) => Volatile.Write(ref _log, log);

    /// <summary>No more segments will come; the coder finishes what is queued.</summary>
    public void Complete() => _queue.CompleteAdding();

    /// <summary>Completes and waits for the coder thread.</summary>
    public void Dispose()
    {
        if (!_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
        }

        _thread.Join();
        _queue.Dispose();
    }

    private void Run()
    {
        var previous = -1L;
        foreach (var (segment, isRetry) in _queue.GetConsumingEnumerable())
        {
            // The log seals in id order and calls the sink in that order; one consumer keeps it.
            // Retries come later, out of order: offloads need no order, the log sorts its manifest.
            Debug.Assert(isRetry || (long)segment.SegmentId > previous, "sealed segments arrive in id order");
            previous = isRetry ? previous : (long)segment.SegmentId;
            var result = _store.WriteShardsFromFile(segment.SegmentId, _segmentPath(segment.SegmentId));
            if (result.IsSuccess)
            {
                if (!isRetry)
                {
                    Interlocked.Exchange(ref _lastWrittenSegmentId, (long)segment.SegmentId);
                }

                if (Volatile.Read(ref _log)?.OffloadSegment(segment.SegmentId) == WalStatus.Ok)
                {
                    Interlocked.Increment(ref _offloadedSegments);
                }
            }
            else
            {
                Interlocked.Increment(ref _failedSegments);
                if (result.Status == SegmentWriteStatus.IoError)
                {
                    // The source is fine, a destination was not (a directory down): worth another try.
                    // A SourceUnreadable segment was released meanwhile; nothing is left to code.
                    _failed.Enqueue(segment);
                }
            }

            _onWritten?.Invoke(segment, result);
        }

        _completed.TrySetResult();
    }
}
