using System.Collections.Concurrent;

namespace FastS3.Segments;

/// <summary>
/// Shards the read path found damaged, for the healer. Deduplicated per (segment, shard): a read
/// storm over one bad shard (every 64 KiB read of a 64 MiB segment) queues it once.
/// </summary>
public sealed class ShardDamageQueue
{
    private readonly ConcurrentDictionary<(ulong SegmentId, int ShardIndex), ShardDamage> _pending = new();
    private readonly ConcurrentQueue<(ulong SegmentId, int ShardIndex)> _order = new();

    /// <summary>Damaged shards not yet taken by the healer.</summary>
    public int Count => _pending.Count;

    /// <summary>Records damage; false when that shard was already pending.</summary>
    public bool Report(ShardDamage damage)
    {
        var key = (damage.SegmentId, damage.ShardIndex);
        if (!_pending.TryAdd(key, damage))
        {
            return false;
        }

        _order.Enqueue(key);
        return true;
    }

    /// <summary>Takes the oldest pending damage.</summary>
    public bool TryDequeue(out ShardDamage damage)
    {
        while (_order.TryDequeue(out var key))
        {
            if (_pending.TryRemove(key, out damage))
            {
                return true;
            }
        }

        damage = default;
        return false;
    }

    /// <summary>The pending damage, oldest first, without taking it.</summary>
    public IReadOnlyList<ShardDamage> Snapshot() =>
        _order.Select(key => _pending.TryGetValue(key, out var d) ? d : (ShardDamage?)null).OfType<ShardDamage>().ToArray();
}
