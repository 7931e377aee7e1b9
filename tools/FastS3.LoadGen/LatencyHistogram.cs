using System.Numerics;

namespace FastS3.LoadGen;

/// <summary>
/// HDR-style log-linear histogram of nanoseconds: 128 linear sub-buckets per power of two, so a
/// reported percentile is within 1/128 (0.8%) of the true value. Values up to 2^36 ns (68 s) are
/// kept; larger ones land in the last bucket (the exact maximum is tracked separately). 3,968
/// int counters = 16 KB per histogram; recording is two shifts and an increment, no allocation.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 7;
    private const int SubCount = 1 << SubBits;
    private const int MaxMsb = 36;
    private const int BucketCount = SubCount + ((MaxMsb - SubBits) * SubCount);

    private readonly int[] _counts = new int[BucketCount];

    public long TotalCount { get; private set; }

    public long MaxNanos { get; private set; }

    public void Record(long nanos)
    {
        if (nanos < 0)
        {
            nanos = 0;
        }

        _counts[Index(nanos)]++;
        TotalCount++;
        if (nanos > MaxNanos)
        {
            MaxNanos = nanos;
        }
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        TotalCount += other.TotalCount;
        MaxNanos = Math.Max(MaxNanos, other.MaxNanos);
    }

    /// <summary>The value at or below which <paramref name="percentile"/> percent of samples fall (upper edge of its bucket, capped at the max).</summary>
    public long Percentile(double percentile)
    {
        if (TotalCount == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(percentile / 100.0 * TotalCount);
        rank = Math.Clamp(rank, 1, TotalCount);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperEdge(i), MaxNanos);
            }
        }

        return MaxNanos;
    }

    private static int Index(long v)
    {
        if (v < SubCount)
        {
            return (int)v;
        }

        var msb = 63 - BitOperations.LeadingZeroCount((ulong)v);
        if (msb >= MaxMsb)
        {
            return BucketCount - 1;
        }

        var shift = msb - SubBits;
        var sub = (int)(v >> shift) - SubCount;
        return SubCount + (shift * SubCount) + sub;
    }

    private static long UpperEdge(int index)
    {
        if (index < SubCount)
        {
            return index;
        }

        var shift = (index - SubCount) / SubCount;
        var sub = (index - SubCount) % SubCount;
        return ((long)(SubCount + sub + 1) << shift) - 1;
    }
}
