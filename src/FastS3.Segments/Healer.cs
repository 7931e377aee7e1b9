using System.Diagnostics;
using FastS3.Common.IO;
using FastS3.Erasure;

namespace FastS3.Segments;

/// <summary>
/// Rewrites missing or corrupt shards from the others, with the same durable recipe as the
/// writer. Works a segment at a time: every shard is read and CRC-checked block by block, each
/// block's damaged shards are rebuilt from k clean ones, and only the damaged files are replaced.
/// </summary>
public sealed class Healer
{
    private readonly ErasureSegmentStore _store;
    private readonly TimeProvider _time;

    /// <summary>A healer for <paramref name="store"/>; time (for ETAs) from <paramref name="timeProvider"/>.</summary>
    public Healer(ErasureSegmentStore store, TimeProvider? timeProvider = null)
    {
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Checks every shard of <paramref name="segmentId"/> and rewrites the damaged ones.</summary>
    public SegmentHealResult HealSegment(ulong segmentId)
    {
        var layout = _store.Layout;
        var total = layout.TotalShards;
        ShardFileHeader geometry;
        byte[][] shardBytes;
        ShardMask[] cleanPerBlock;
        var damaged = ShardMask.None;
        using (var shards = new SegmentShards(_store, segmentId, damage: null))
        {
            if (!shards.TryGetGeometry(out geometry))
            {
                return new SegmentHealResult(shards.AnyFileSeen ? SegmentHealStatus.TooManyShardsLost : SegmentHealStatus.NotFound, 0, 0, null);
            }

            shardBytes = new byte[total][];
            cleanPerBlock = new ShardMask[geometry.BlockCount];
            for (var j = 0; j < total; j++)
            {
                shardBytes[j] = new byte[geometry.ShardLengthBytes];
                if (!shards.IsOpen(j))
                {
                    damaged = damaged.With(j);
                    continue;
                }

                for (var b = 0; b < geometry.BlockCount; b++)
                {
                    var span = shardBytes[j].AsSpan(b * geometry.BlockSizeBytes, geometry.BlockLength(b));
                    if (shards.TryReadBlock(j, b, span))
                    {
                        cleanPerBlock[b] = cleanPerBlock[b].With(j);
                    }
                    else
                    {
                        damaged = damaged.With(j);
                    }
                }
            }
        }

        // A shard whose directory is down cannot be rewritten until RebuildDirectoryAsync brings it back.
        for (var j = 0; j < total; j++)
        {
            if (!_store.IsDirectoryAvailable(layout.DirectoryIndexOf(segmentId, j)))
            {
                damaged = damaged.Without(j);
            }
        }

        if (damaged.IsEmpty)
        {
            return new SegmentHealResult(SegmentHealStatus.Healthy, 0, 0, null);
        }

        var views = new Memory<byte>[total];
        for (var b = 0; b < geometry.BlockCount; b++)
        {
            var rebuild = damaged.Except(cleanPerBlock[b]);
            if (rebuild.IsEmpty)
            {
                continue;
            }

            for (var j = 0; j < total; j++)
            {
                views[j] = shardBytes[j].AsMemory(b * geometry.BlockSizeBytes, geometry.BlockLength(b));
            }

            if (_store.Codec.Reconstruct(views, cleanPerBlock[b], rebuild) != ReconstructResult.Reconstructed)
            {
                return new SegmentHealResult(SegmentHealStatus.TooManyShardsLost, 0, 0, null);
            }
        }

        var which = new int[damaged.Count];
        damaged.CopyIndexesTo(which);
        var memories = shardBytes.Select(s => (ReadOnlyMemory<byte>)s).ToArray();
        Debug.Assert(layout.ParityShards == 0 || geometry.ShardLengthBytes == 0 || _store.Codec.Verify(memories), "rebuilt shards agree with parity");
        var write = ShardFileWriter.WriteAll(_store.Io, layout, segmentId, geometry.SegmentLengthBytes, geometry.ShardLengthBytes, memories, which);
        return write.IsSuccess
            ? new SegmentHealResult(SegmentHealStatus.Healed, which.Length, (long)which.Length * geometry.ShardLengthBytes, null)
            : new SegmentHealResult(SegmentHealStatus.IoError, 0, 0, write.Error);
    }

    /// <summary>As <see cref="HealSegment"/>, on the thread pool.</summary>
    public Task<SegmentHealResult> HealSegmentAsync(ulong segmentId, CancellationToken cancellationToken = default) =>
        Task.Run(() => HealSegment(segmentId), cancellationToken);

    /// <summary>Drains the store's damage queue, healing each segment named once; returns how many segments were healed.</summary>
    public async Task<int> HealPendingAsync(CancellationToken cancellationToken = default)
    {
        var segments = new SortedSet<ulong>();
        while (_store.Damage.TryDequeue(out var damage))
        {
            segments.Add(damage.SegmentId);
        }

        var healed = 0;
        foreach (var segmentId in segments)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await HealSegmentAsync(segmentId, cancellationToken);
            healed += result.Status == SegmentHealStatus.Healed ? 1 : 0;
        }

        return healed;
    }

    /// <summary>
    /// Recreates data directory <paramref name="directoryIndex"/> (a replaced drive) and rewrites every
    /// shard it should hold, reporting bytes, percent and ETA after each segment. The store leaves
    /// degraded mode for that directory first, so reads during the rebuild still reconstruct what is
    /// not there yet.
    /// </summary>
    public async Task<DirectoryRebuildResult> RebuildDirectoryAsync(
        int directoryIndex, IProgress<RebuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var layout = _store.Layout;
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)directoryIndex, (uint)layout.DataDirectories.Count, nameof(directoryIndex));
        var directory = layout.DataDirectories[directoryIndex];
        try
        {
            _ = Directory.CreateDirectory(directory);
            var parent = Path.GetDirectoryName(directory);
            if (parent is not null)
            {
                DirectorySync.Fsync(parent);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new DirectoryRebuildResult(0, 0, 0, ex.Message);
        }

        _store.MarkDirectoryAvailable(directoryIndex);
        var targets = _store.ListSegments().Where(id => layout.ShardIndexIn(id, directoryIndex) >= 0).ToArray();
        var sizes = targets.Select(id => SiblingShardBytes(id, directoryIndex)).ToArray();
        var bytesTotal = sizes.Sum();
        var started = _time.GetTimestamp();
        long bytesDone = 0;
        long bytesWritten = 0;
        int rebuilt = 0, failed = 0;
        progress?.Report(new RebuildProgress(directoryIndex, 0, targets.Length, 0, bytesTotal, bytesTotal == 0 ? 100 : 0, null));
        for (var i = 0; i < targets.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await HealSegmentAsync(targets[i], cancellationToken);
            if (result.Status is SegmentHealStatus.Healed or SegmentHealStatus.Healthy)
            {
                rebuilt++;
                bytesWritten += result.BytesWritten;
            }
            else
            {
                failed++;
            }

            bytesDone += sizes[i];
            var elapsed = _time.GetElapsedTime(started);
            TimeSpan? eta = bytesDone == 0 ? null : TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(bytesTotal - bytesDone) / bytesDone)));
            var percent = bytesTotal == 0 ? 100.0 : 100.0 * bytesDone / bytesTotal;
            progress?.Report(new RebuildProgress(directoryIndex, i + 1, targets.Length, bytesDone, bytesTotal, percent, eta));
        }

        return new DirectoryRebuildResult(rebuilt, failed, bytesWritten, null);
    }

    // Every shard of a segment has the same file length, so any surviving sibling sizes the rebuild.
    private long SiblingShardBytes(ulong segmentId, int directoryIndex)
    {
        var layout = _store.Layout;
        for (var j = 0; j < layout.TotalShards; j++)
        {
            var d = layout.DirectoryIndexOf(segmentId, j);
            if (d == directoryIndex)
            {
                continue;
            }

            try
            {
                var info = new FileInfo(layout.ShardPath(segmentId, j));
                if (info.Exists)
                {
                    return info.Length;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Try the next sibling.
            }
        }

        return 0;
    }
}
