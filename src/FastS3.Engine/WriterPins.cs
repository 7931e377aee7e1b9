using System.Diagnostics;

namespace FastS3.Engine;

/// <summary>
/// Segments holding bodies that are written but not yet committed. A writer pins the active
/// segment id <em>before</em> its first data append (the append lands in that segment or a later
/// one) and unpins once its commit record is in the write state or it gave up. Compaction never
/// releases a segment at or above the lowest pin: an in-flight body's extents are in no index yet,
/// so nothing else protects them. One short lock per PUT (not per append), next to the commit lock
/// every PUT takes anyway.
/// </summary>
internal sealed class WriterPins
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<ulong, int> _pins = [];

    /// <summary>Lowest pinned segment id, or <see cref="ulong.MaxValue"/> when no body is in flight.</summary>
    public ulong Lowest
    {
        get
        {
            lock (_lock)
            {
                foreach (var pin in _pins)
                {
                    return pin.Key;
                }

                return ulong.MaxValue;
            }
        }
    }

    public void Pin(ulong segmentId)
    {
        lock (_lock)
        {
            _pins.TryGetValue(segmentId, out var count);
            _pins[segmentId] = count + 1;
        }
    }

    public void Unpin(ulong segmentId)
    {
        lock (_lock)
        {
            var found = _pins.TryGetValue(segmentId, out var count);
            Debug.Assert(found && count > 0, $"segment {segmentId} unpinned more often than pinned");
            if (count <= 1)
            {
                _pins.Remove(segmentId);
            }
            else
            {
                _pins[segmentId] = count - 1;
            }
        }
    }
}
