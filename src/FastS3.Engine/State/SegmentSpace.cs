using System.Collections.Immutable;
using System.Diagnostics;
using FastS3.Wal;

namespace FastS3.Engine.State;

/// <summary>
/// Live bytes per WAL segment: bytes of extents the index still references, as one immutable
/// value carried by each <see cref="EngineState"/> (so a checkpoint records exactly the counts of
/// the state it records, and recovery starts from them instead of scanning every object). An
/// overwrite, a delete, an aborted upload or an unlisted part makes extents dead; a body whose
/// writer never committed was never live. Compaction picks segments by this count.
/// </summary>
internal sealed class SegmentSpace
{
    public static readonly SegmentSpace Empty = new(ImmutableSortedDictionary<ulong, long>.Empty);

    private SegmentSpace(ImmutableSortedDictionary<ulong, long> liveBytes) => LiveBytes = liveBytes;

    /// <summary>Segment id to live bytes; a segment with none is absent.</summary>
    public ImmutableSortedDictionary<ulong, long> LiveBytes { get; }

    private long _total = -1; // computed on first use (benign race: every thread computes the same sum)

    public long Total
    {
        get
        {
            var total = Volatile.Read(ref _total);
            if (total < 0)
            {
                total = LiveBytes.Values.Sum();
                Volatile.Write(ref _total, total);
            }

            return total;
        }
    }

    public static SegmentSpace From(IEnumerable<KeyValuePair<ulong, long>> liveBytes) => new(liveBytes.ToImmutableSortedDictionary());

    public long LiveOf(ulong segmentId) => LiveBytes.TryGetValue(segmentId, out var live) ? live : 0;

    public SegmentSpace Add(IEnumerable<WalLocation> extents) => Change(extents, +1);

    public SegmentSpace Remove(IEnumerable<WalLocation> extents) => Change(extents, -1);

    /// <summary>Extents' bytes moved from one segment to another (compaction), in one new value.</summary>
    public SegmentSpace Move(IEnumerable<(WalLocation From, WalLocation To)> moves)
    {
        var builder = LiveBytes.ToBuilder();
        foreach (var (from, to) in moves)
        {
            Debug.Assert(from.LengthBytes == to.LengthBytes);
            Apply(builder, from, -1);
            Apply(builder, to, +1);
        }

        return new(builder.ToImmutable());
    }

    private SegmentSpace Change(IEnumerable<WalLocation> extents, int sign)
    {
        var builder = LiveBytes.ToBuilder();
        foreach (var extent in extents)
        {
            Apply(builder, extent, sign);
        }

        return new(builder.ToImmutable());
    }

    private static void Apply(ImmutableSortedDictionary<ulong, long>.Builder liveBytes, WalLocation extent, int sign)
    {
        liveBytes.TryGetValue(extent.SegmentId, out var live);
        live += sign * (long)extent.LengthBytes;
        Debug.Assert(live >= 0, $"segment {extent.SegmentId} live bytes went negative");
        if (live == 0)
        {
            liveBytes.Remove(extent.SegmentId);
        }
        else
        {
            liveBytes[extent.SegmentId] = live;
        }
    }
}
