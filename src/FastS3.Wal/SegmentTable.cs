using System.Diagnostics;

namespace FastS3.Wal;

/// <summary>Immutable id-indexed array of live segments (ids are consecutive).</summary>
internal sealed class SegmentTable
{
    public static readonly SegmentTable Empty = new(0, []);

    private SegmentTable(ulong firstId, Segment[] segments)
    {
        FirstId = firstId;
        Segments = segments;
    }

    public ulong FirstId { get; }

    public Segment[] Segments { get; }

    public Segment? Find(ulong segmentId)
    {
        var index = segmentId - FirstId;
        return index < (ulong)Segments.Length ? Segments[(int)index] : null;
    }

    public SegmentTable With(Segment segment)
    {
        if (Segments.Length == 0)
        {
            return new SegmentTable(segment.Id, [segment]);
        }

        Debug.Assert(segment.Id == FirstId + (ulong)Segments.Length, "segments are added in id order");
        return new SegmentTable(FirstId, [.. Segments, segment]);
    }

    /// <summary>The same table with <paramref name="segment"/> in place of the entry with its id.</summary>
    public SegmentTable Replace(Segment segment)
    {
        var index = segment.Id - FirstId;
        Debug.Assert(index < (ulong)Segments.Length, "replacing a live segment");
        var copy = (Segment[])Segments.Clone();
        copy[(int)index] = segment;
        return new SegmentTable(FirstId, copy);
    }

    /// <summary>Keeps only ids in [<paramref name="firstId"/>, <paramref name="lastId"/>].</summary>
    public SegmentTable Slice(ulong firstId, ulong lastId)
    {
        var kept = Segments.Where(s => s.Id >= firstId && s.Id <= lastId).ToArray();
        return kept.Length == 0 ? Empty : new SegmentTable(kept[0].Id, kept);
    }

    public IReadOnlyList<ulong> Ids() => Segments.Select(s => s.Id).ToArray();
}
