namespace FastS3.LoadGen;

/// <summary>Counters of one operation kind on one worker (merged after the run; no sharing while it runs).</summary>
public sealed class OpStats
{
    public LatencyHistogram Latency { get; } = new();

    public long Ok { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Failures by HTTP status; 0 stands for a connection failure or an unparsable response.</summary>
    public SortedDictionary<int, long> Errors { get; } = [];

    public long ErrorCount { get; private set; }

    public void RecordOk(long nanos, long bytes)
    {
        Latency.Record(nanos);
        Ok++;
        Bytes += bytes;
    }

    public void RecordError(long nanos, int status)
    {
        Latency.Record(nanos);
        ErrorCount++;
        Errors[status] = Errors.GetValueOrDefault(status) + 1;
    }

    public void Add(OpStats other)
    {
        Latency.Add(other.Latency);
        Ok += other.Ok;
        Bytes += other.Bytes;
        ErrorCount += other.ErrorCount;
        foreach (var (status, count) in other.Errors)
        {
            Errors[status] = Errors.GetValueOrDefault(status) + count;
        }
    }
}
