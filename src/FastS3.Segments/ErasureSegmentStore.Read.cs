using System.Buffers;
using System.Diagnostics;
using FastS3.Erasure;

namespace FastS3.Segments;

public sealed partial class ErasureSegmentStore
{
    /// <summary>
    /// Reads <paramref name="destination"/>.Length bytes of segment <paramref name="segmentId"/> at
    /// <paramref name="offset"/>. Healthy blocks are copied straight from data shards; a block whose
    /// data shard is missing or fails its CRC is rebuilt from k healthy shards of that block only.
    /// Never returns wrong bytes: more than m losses in a needed block give
    /// <see cref="SegmentReadStatus.TooManyShardsLost"/>.
    /// </summary>
    public SegmentReadResult Read(ulong segmentId, long offset, Span<byte> destination)
    {
        using var shards = new SegmentShards(this, segmentId, Damage);
        if (!shards.TryGetGeometry(out var geometry))
        {
            return new SegmentReadResult(shards.AnyFileSeen ? SegmentReadStatus.TooManyShardsLost : SegmentReadStatus.NotFound, 0, -1);
        }

        var segmentLength = geometry.SegmentLengthBytes;
        if (offset < 0 || offset > segmentLength || destination.Length > segmentLength - offset)
        {
            return new SegmentReadResult(SegmentReadStatus.OutOfRange, 0, segmentLength);
        }

        var blockSize = geometry.BlockSizeBytes;
        var shardLength = geometry.ShardLengthBytes;
        var scratch = ArrayPool<byte>.Shared.Rent(Layout.TotalShards * blockSize);
        try
        {
            var rebuilt = 0;
            var done = 0;
            var position = offset;
            while (done < destination.Length)
            {
                // Segment byte p lives in data shard p / L at shard offset p mod L.
                var shard = (int)(position / shardLength);
                var inShard = (int)(position % shardLength);
                var block = inShard / blockSize;
                var inBlock = inShard % blockSize;
                var blockLength = geometry.BlockLength(block);
                var take = Math.Min(destination.Length - done, blockLength - inBlock);
                Debug.Assert(shard < Layout.DataShards && take > 0, "a range inside the segment maps onto data shards");

                // A whole block is read straight into the caller's buffer (one copy fewer for
                // 64 KiB-aligned reads); a partial block goes through scratch, CRC-checked whole.
                var direct = inBlock == 0 && take == blockLength;
                var scratchBlock = scratch.AsSpan(shard * blockSize, blockLength);
                var target = direct ? destination.Slice(done, take) : scratchBlock;
                if (!shards.TryReadBlock(shard, block, target))
                {
                    if (!RebuildDataBlock(shards, scratch, blockSize, blockLength, block, shard))
                    {
                        return new SegmentReadResult(SegmentReadStatus.TooManyShardsLost, rebuilt, segmentLength);
                    }

                    rebuilt++;
                    if (direct)
                    {
                        scratchBlock.CopyTo(target);
                    }
                }

                if (!direct)
                {
                    scratchBlock.Slice(inBlock, take).CopyTo(destination[done..]);
                }

                done += take;
                position += take;
            }

            return new SegmentReadResult(rebuilt == 0 ? SegmentReadStatus.Read : SegmentReadStatus.Reconstructed, rebuilt, segmentLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>As <see cref="Read"/>; file reads complete synchronously (the OS page cache answers most).</summary>
    public ValueTask<SegmentReadResult> ReadAsync(ulong segmentId, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(segmentId, offset, destination.Span));
    }

    // Rebuilds one block of data shard `wanted` from the first k shards whose same block reads clean.
    private bool RebuildDataBlock(SegmentShards shards, byte[] scratch, int blockSize, int blockLength, int block, int wanted)
    {
        var present = ShardMask.None;
        for (var j = 0; j < Layout.TotalShards && present.Count < Layout.DataShards; j++)
        {
            if (j != wanted && shards.TryReadBlock(j, block, scratch.AsSpan(j * blockSize, blockLength)))
            {
                present = present.With(j);
            }
        }

        if (present.Count < Layout.DataShards)
        {
            return false;
        }

        var views = new Memory<byte>[Layout.TotalShards];
        for (var j = 0; j < views.Length; j++)
        {
            if (present.Contains(j) || j == wanted)
            {
                views[j] = scratch.AsMemory(j * blockSize, blockLength);
            }
        }

        return Codec.ReconstructData(views, present, ShardMask.None.With(wanted)) == ReconstructResult.Reconstructed;
    }
}
