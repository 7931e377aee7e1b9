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
    }
}
