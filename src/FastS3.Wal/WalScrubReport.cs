namespace FastS3.Wal;

/// <summary>Progress and findings of the background verification of sealed segments.</summary>
public sealed class WalScrubReport
{
    private readonly Lock _lock = new();
    private readonly List<WalCorruptionException> _corrupt = [];
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytesVerified;
    private int _segmentsVerified;

    internal WalScrubReport(int segmentsToVerify, long bytesToVerify)
    {
        SegmentsToVerify = segmentsToVerify;
        BytesToVerify = bytesToVerify;
        if (segmentsToVerify == 0)
        {
            _completed.TrySetResult();
        }
    }

    /// <summary>Sealed segments accepted at open on their footer, to be verified.</summary>
    public int SegmentsToVerify { get; }

    /// <summary>Their size in bytes.</summary>
    public long BytesToVerify { get; }

    /// <summary>Segments whose chain has been walked and matched its footer (or that were released first).</summary>
    public int SegmentsVerified => Volatile.Read(ref _segmentsVerified);

    /// <summary>Record-chain bytes verified so far.</summary>
    public long BytesVerified => Interlocked.Read(ref _bytesVerified);

    /// <summary>Sealed segments that failed: the case, segment and offset of the first bad record.</summary>
    public IReadOnlyList<WalCorruptionException> Corrupt
    {
        get
        {
            lock (_lock)
            {
                return [.. _corrupt];
            }
        }
    }

    /// <summary>Completes when every segment is verified (or the log closed first).</summary>
    public Task Completion => _completed.Task;

    internal void Verified(long bytes)
    {
        Interlocked.Add(ref _bytesVerified, bytes);
        Interlocked.Increment(ref _segmentsVerified);
    }

    internal void Failed(WalCorruptionException corruption)
    {
        lock (_lock)
        {
            _corrupt.Add(corruption);
        }

        Interlocked.Increment(ref _segmentsVerified);
    }

    internal void Complete() => _completed.TrySetResult();
}
