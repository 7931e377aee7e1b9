using FastS3.Common.Errors;

namespace FastS3.Engine;

/// <summary>
/// Back-pressure when compaction falls behind (the write stall of LSM engines): compaction keeps
/// the log near live bytes / <see cref="EngineOptions.CompactionLiveFraction"/> plus a few
/// segments, but a writer burst on a starved machine can outrun it (3.0x live bytes measured
/// at a load average above 12). Once the log exceeds <see cref="EngineOptions.CompactionStallRatio"/>
/// times that budget, body writes wait for compaction passes before they append, and give up with
/// 503 SlowDown (which S3 clients retry with back-off) after <see cref="EngineOptions.CompactionStallTimeout"/>.
/// Only with the background compactor running: without it nothing would ever end the stall.
/// </summary>
public sealed partial class EngineObjectStore
{
    /// <summary>Segments of slack above live / fraction: the active one, the one being prepared, a pass's output.</summary>
    private const int StallHeadroomSegments = 4;

    private volatile bool _writesStalled;
    private long _writeStalls;
    private long _stallEpisodes;
    private TaskCompletionSource _compactionProgress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True while body writes wait for compaction.</summary>
    public bool WritesStalled => _writesStalled;

    /// <summary>Body writes that had to wait for compaction since the store opened.</summary>
    public long WriteStalls => Interlocked.Read(ref _writeStalls);

    /// <summary>
    /// Times the stall began since the store opened. A stall the compactor ends before the next
    /// body write looks makes no write wait, so this can be above zero with <see cref="WriteStalls"/> at zero.
    /// </summary>
    public long StallEpisodes => Interlocked.Read(ref _stallEpisodes);

    /// <summary>Before a body chunk is appended: at once unless writes are stalled; then after compaction made room, or SlowDown.</summary>
    internal ValueTask<S3ErrorCode> AwaitWriteRoomAsync(CancellationToken cancellationToken) =>
        _writesStalled ? WaitForRoomAsync(cancellationToken) : new(S3ErrorCode.None);

    /// <summary>Re-evaluates the stall from the log's size and the visible live bytes (each body start and each compaction pass).</summary>
    private void UpdateWriteStall()
    {
        if (_compactionThread is null || _options.CompactionStallRatio <= 0)
        {
            return;
        }

        var segmentBytes = (long)_options.SegmentSizeBytes;
        var logBytes = (long)(_wal.ActiveSegmentId - _wal.FirstSegmentId + 1) * segmentBytes;
        var budget = (Volatile.Read(ref _visibleState).Space.Total / _options.CompactionLiveFraction) + (StallHeadroomSegments * segmentBytes);
        var stalled = logBytes > budget * _options.CompactionStallRatio;
        if (stalled == _writesStalled)
        {
            return;
        }

        _writesStalled = stalled;
        if (stalled)
        {
            Interlocked.Increment(ref _stallEpisodes);
            _options.Log?.Invoke($"engine: writes stalled: the log holds {logBytes >> 20} MiB for a budget of {(long)budget >> 20} MiB; waiting for compaction");
            _compactionWake.Set();
        }
        else
        {
            SignalCompactionProgress();
        }
    }

    /// <summary>A compaction pass ended: waiting writers look again.</summary>
    private void SignalCompactionProgress() =>
        Interlocked.Exchange(ref _compactionProgress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async ValueTask<S3ErrorCode> WaitForRoomAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writeStalls);
        var started = _clock.GetTimestamp();
        while (_writesStalled)
        {
            var progress = Volatile.Read(ref _compactionProgress).Task;
            _compactionWake.Set();
            var remaining = _options.CompactionStallTimeout - _clock.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero || Volatile.Read(ref _closed) != 0)
            {
                return S3ErrorCode.SlowDown;
            }

            try
            {
                await progress.WaitAsync(remaining, _clock, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return S3ErrorCode.SlowDown;
            }
        }

        return S3ErrorCode.None;
    }
}
