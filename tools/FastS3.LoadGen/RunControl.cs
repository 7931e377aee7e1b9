using System.Diagnostics;

namespace FastS3.LoadGen;

/// <summary>When the workers stop: a deadline, an operation budget, or a stop request.</summary>
public sealed class RunControl
{
    private readonly long _deadline;
    private readonly long _maxOps;
    private long _started;
    private long _errors;
    private volatile bool _stopping;

    public RunControl(double seconds, long maxOps)
    {
        _deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        _maxOps = maxOps;
    }

    public bool Stopping => _stopping;

    public long Errors => Interlocked.Read(ref _errors);

    public void Stop() => _stopping = true;

    /// <summary>Claims one operation; false once the deadline passed, the budget is spent or a stop was asked.</summary>
    public bool TryStartOp()
    {
        if (_stopping || Stopwatch.GetTimestamp() >= _deadline)
        {
            return false;
        }

        if (_maxOps != long.MaxValue && Interlocked.Increment(ref _started) > _maxOps)
        {
            _stopping = true;
            return false;
        }

        return true;
    }

    public void NoteError() => Interlocked.Increment(ref _errors);
}
