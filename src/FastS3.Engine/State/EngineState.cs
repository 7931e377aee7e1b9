using System.Collections.Immutable;
using System.Diagnostics;

namespace FastS3.Engine.State;

/// <summary>
/// The whole index as one immutable value: every bucket, object, upload and part, as of
/// <see cref="AppliedLsn"/> (every commit record with a lower or equal LSN is applied, none
/// above). Publishing a new state is one reference store, so readers never block and never see
/// half of a mutation; a checkpoint serializes one state without stopping writers.
/// </summary>
internal sealed class EngineState
{
    public static readonly EngineState Empty = new(ImmutableSortedDictionary.Create<string, BucketState>(StringComparer.Ordinal), 0);

    public EngineState(ImmutableSortedDictionary<string, BucketState> buckets, ulong appliedLsn)
    {
        Buckets = buckets;
        AppliedLsn = appliedLsn;
    }

    public ImmutableSortedDictionary<string, BucketState> Buckets { get; }

    /// <summary>The highest LSN of a commit record this state includes (0: none).</summary>
    public ulong AppliedLsn { get; }

    public BucketState? Bucket(string name) => Buckets.TryGetValue(name, out var bucket) ? bucket : null;

    public EngineState WithBucket(BucketState bucket, ulong lsn)
    {
        Debug.Assert(lsn > AppliedLsn, "commit records apply in LSN order");
        return new(Buckets.SetItem(bucket.Info.Name, bucket), lsn);
    }

    public EngineState WithoutBucket(string name, ulong lsn)
    {
        Debug.Assert(lsn > AppliedLsn, "commit records apply in LSN order");
        return new(Buckets.Remove(name), lsn);
    }
}
