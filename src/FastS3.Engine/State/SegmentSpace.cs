using System.Diagnostics;
using FastS3.Wal;

namespace FastS3.Engine.State;

/// <summary>
/// Live bytes per WAL segment: bytes of extents the index still references. An overwrite, a
/// delete, an aborted upload or an unlisted part makes extents dead; a body whose writer never
/// committed was never live. Compaction picks segments by this count (live / segment size).
/// </summary>
internal sealed class SegmentSpace
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, long> _liveBytes = [];

    public void Add(IEnumerable<WalLocation> extents) => Change(extents, +1);

    public void Remove(IEnumerable<WalLocation> extents) => Change(extents, -1);

    /// <summary>One extent's bytes moved from one segment to another (compaction).</summary>
    public void Move(WalLocation from, WalLocation to)
    {
        Debug.Assert(from.LengthBytes == to.LengthBytes);
        lock (_lock)
        {
            Apply(from, -1);
            Apply(to, +1);
        }
    }

    public IReadOnlyDictionary<ulong, long> Snapshot()
    {
        lock (_lock)
        {
            return new SortedDictionary<ulong, long>(_liveBytes);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _liveBytes.Clear();
        }
    }

    private void Change(IEnumerable<WalLocation> extents, int sign)
    {
        lock (_lock)
        {
            foreach (var extent in extents)
            {
                Apply(extent, sign);
            }
        }
    }

    private void Apply(WalLocation extent, int sign)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread);
        _liveBytes.TryGetValue(extent.SegmentId, out var live);
        live += sign * (long)extent.LengthBytes;
        Debug.Assert(live >= 0, $"segment {extent.SegmentId} live bytes went negative");
        if (live == 0)
        {
            _liveBytes.Remove(extent.SegmentId);
        }
        else
        {
            _liveBytes[extent.SegmentId] = live;
        }
    }
}
