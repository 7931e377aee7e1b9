using System.Collections.Concurrent;

namespace FastS3.Erasure;

/// <summary>
/// Reconstruction plans by erasure pattern, so the k x k inversion and the coefficient
/// expansion happen once per pattern rather than once per read. Thread-safe; bounded
/// because a caller choosing patterns (or a long run of failures) must not grow it forever.
/// </summary>
internal sealed class DecodePlanCache
{
    // 8+4 has 793 patterns of 1 to 4 losses (12 + 66 + 220 + 495) for full reconstruction;
    // 1024 covers them plus the partial (read-only-what-you-need) variants a workload
    // actually hits. An entry is at most 4 x 8 x 128 B = 4 KiB for 8+4, so the cache stays
    // under 4 MiB; wider codes hold bigger entries but see the same handful of patterns.
    public const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<PlanKey, CodingPlan> _plans = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public CodingPlan GetOrAdd(PlanKey key, Func<PlanKey, CodingPlan> build)
    {
        if (_plans.TryGetValue(key, out var plan))
        {
            return plan;
        }

        plan = build(key);
        if (Interlocked.Increment(ref _count) > MaxEntries)
        {
            // Full: drop everything rather than track recency. Reaching the bound means the
            // patterns are not repeating, so an LRU would not hit either; rebuilding a plan
            // costs one k x k inversion (microseconds for k = 8).
            _plans.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        return _plans.GetOrAdd(key, plan);
    }
}
