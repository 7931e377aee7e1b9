using System.Collections.Concurrent;
using FastS3.Common.IO;
using FastS3.Wal;

namespace FastS3.Segments;

/// <summary>The store as the WAL sees it: where offloaded sealed segments are read and dropped.</summary>
public sealed partial class ErasureSegmentStore : ISealedSegmentReader
{
    // Segments that passed the quorum check and have reported no damage since: a GET of an
    // offloaded object then costs a lookup instead of k shard opens and header reads (tens of
    // microseconds each on this VM).
    // A stale "yes" can only turn a 500 into an aborted body, never into wrong bytes; any damage
    // the read path or the healer sees forgets the segment. One entry per live segment.
    private readonly ConcurrentDictionary<ulong, byte> _quorumSeen = new();

    /// <inheritdoc />
    SealedSegmentReadStatus ISealedSegmentReader.Read(ulong segmentId, long offset, Span<byte> destination) =>
        Read(segmentId, offset, destination).Status switch
        {
            SegmentReadStatus.Read or SegmentReadStatus.Reconstructed => SealedSegmentReadStatus.Ok,
            SegmentReadStatus.NotFound => SealedSegmentReadStatus.NotFound,
            SegmentReadStatus.OutOfRange => SealedSegmentReadStatus.OutOfRange,
            _ => SealedSegmentReadStatus.Unrecoverable,
        };

    /// <inheritdoc />
    bool ISealedSegmentReader.IsReadable(ulong segmentId) => HasQuorum(segmentId);

    /// <inheritdoc />
    void ISealedSegmentReader.Drop(ulong segmentId) => DeleteShards(segmentId);

    /// <summary>
    /// At least k shard files of <paramref name="segmentId"/> open with a valid header (their blocks
    /// are not read: a CRC-bad block still surfaces on the read itself). Missing or bad shards seen
    /// here go to the healer. Stops at the k-th good file, so a healthy segment costs k opens.
    /// </summary>
    public bool HasQuorum(ulong segmentId)
    {
        if (_quorumSeen.ContainsKey(segmentId))
        {
            return true;
        }

        using var shards = new SegmentShards(this, segmentId, Damage);
        var open = 0;
        for (var j = 0; j < Layout.TotalShards && open < Layout.DataShards; j++)
        {
            open += shards.IsOpen(j) ? 1 : 0;
        }

        if (open < Layout.DataShards)
        {
            return false;
        }

        _quorumSeen.TryAdd(segmentId, 0);
        return true;
    }

    /// <summary>Some shard of <paramref name="segmentId"/> was found damaged or removed: check it again next time.</summary>
    internal void ForgetQuorum(ulong segmentId) => _quorumSeen.TryRemove(segmentId, out _);

    /// <summary>Removes every shard file of <paramref name="segmentId"/> (the segment was released); returns how many were removed.</summary>
    public int DeleteShards(ulong segmentId)
    {
        ForgetQuorum(segmentId);
        var removed = 0;
        for (var j = 0; j < Layout.TotalShards; j++)
        {
            var directory = Layout.DirectoryIndexOf(segmentId, j);
            if (!IsDirectoryAvailable(directory))
            {
                continue;
            }

            try
            {
                var path = Layout.ShardPath(segmentId, j);
                if (File.Exists(path))
                {
                    File.Delete(path);
                    DirectorySync.Fsync(Layout.DataDirectories[directory]);
                    removed++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: the WAL lists the store at its next open and drops leftovers of released segments.
            }
        }

        return removed;
    }
}
