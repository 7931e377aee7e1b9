using System.Collections.Immutable;
using System.Diagnostics;
using FastS3.Engine.Index;

namespace FastS3.Engine.State;

/// <summary>
/// The index as of <see cref="AppliedLsn"/> (every commit record with a lower or equal LSN is
/// applied, none above), as one immutable value: the buckets with their uploads, the live bytes
/// per segment, and the sealed version of the object tree that holds the objects. Publishing a
/// new state is one reference store, so readers never block and never see half of a mutation; a
/// checkpoint records one state without stopping writers.
/// </summary>
internal sealed class EngineState
{
    public static readonly EngineState Empty = new(ImmutableSortedDictionary.Create<string, BucketState>(StringComparer.Ordinal), SegmentSpace.Empty, 0, null, IngestState.None);

    public EngineState(ImmutableSortedDictionary<string, BucketState> buckets, SegmentSpace space, ulong appliedLsn, PublishedVersion? objects, IngestState ingest)
    {
        Buckets = buckets;
        Space = space;
        AppliedLsn = appliedLsn;
        Objects = objects;
        Ingest = ingest;
    }

    public ImmutableSortedDictionary<string, BucketState> Buckets { get; }

    public SegmentSpace Space { get; }

    /// <summary>The highest LSN of a commit record this state includes (0: none).</summary>
    public ulong AppliedLsn { get; }

    /// <summary>The object tree's version sealed with this state (null only while recovery replays).</summary>
    public PublishedVersion? Objects { get; }

    /// <summary>External LSN mode: the orchestrator's entries and low-water mark (<see cref="IngestState.None"/> standalone).</summary>
    public IngestState Ingest { get; }

    public BucketState? Bucket(string name) => Buckets.TryGetValue(name, out var bucket) ? bucket : null;

    public EngineState WithBucket(BucketState bucket, ulong lsn) => Next(Buckets.SetItem(bucket.Info.Name, bucket), Space, lsn);

    public EngineState WithBucket(BucketState bucket, SegmentSpace space, ulong lsn) => Next(Buckets.SetItem(bucket.Info.Name, bucket), space, lsn);

    public EngineState WithoutBucket(string name, ulong lsn) => Next(Buckets.Remove(name), Space, lsn);

    public EngineState WithIngest(IngestState ingest, SegmentSpace space, ulong lsn)
    {
        Debug.Assert(lsn >= AppliedLsn, "commit records apply in LSN order");
        return new(Buckets, space, lsn, null, ingest);
    }

    /// <summary>This state with the object tree's version sealed at its LSN.</summary>
    public EngineState Sealed(PublishedVersion objects)
    {
        Debug.Assert(objects.AppliedLsn == AppliedLsn, "the tree is sealed at the state's LSN");
        return new(Buckets, Space, AppliedLsn, objects, Ingest);
    }

    private EngineState Next(ImmutableSortedDictionary<string, BucketState> buckets, SegmentSpace space, ulong lsn)
    {
        // Equal LSNs: a low-water-mark record applies every entry it commits at its own LSN.
        Debug.Assert(lsn >= AppliedLsn, "commit records apply in LSN order");
        return new(buckets, space, lsn, null, Ingest);
    }
}
