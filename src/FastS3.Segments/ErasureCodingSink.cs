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
    private readonly BlockingCollection<SealedSegmentInfo> _queue;
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
        _queue = new BlockingCollection<SealedSegmentInfo>(new ConcurrentQueue<SealedSegmentInfo>(), capacity);
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
    public void OnSegmentSealed(SealedSegmentInfo segment) => _queue.Add(segment);

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
        foreach (var segment in _queue.GetConsumingEnumerable())
        {
            // The log seals in id order and calls the sink in that order; one consumer keeps it.
            Debug.Assert((long)segment.SegmentId > previous, "sealed segments arrive in id order");
            previous = (long)segment.SegmentId;
            var result = _store.WriteShardsFromFile(segment.SegmentId, _segmentPath(segment.SegmentId));
            if (result.IsSuccess)
            {
                Interlocked.Exchange(ref _lastWrittenSegmentId, (long)segment.SegmentId);
                if (Volatile.Read(ref _log)?.OffloadSegment(segment.SegmentId) == WalStatus.Ok)
                {
                    Interlocked.Increment(ref _offloadedSegments);
                }
            }
            else
            {
                Interlocked.Increment(ref _failedSegments);
            }

            _onWritten?.Invoke(segment, result);
        }

        _completed.TrySetResult();
    }
}
