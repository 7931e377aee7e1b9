using System.Buffers;
using System.Diagnostics;
using FastS3.Erasure;

namespace FastS3.Segments;

/// <summary>
/// Splits a sealed segment into k data shards (the last zero-padded), encodes m parity shards and
/// writes all k + m durably, shard i to directory (i + segment id) mod N.
/// </summary>
public sealed class SegmentShardWriter
{
    private readonly ErasureLayout _layout;
    private readonly ReedSolomon _codec;
    private readonly IShardFileIo _io;

    /// <summary>A writer for <paramref name="layout"/> using <paramref name="codec"/> (same k and m).</summary>
    public SegmentShardWriter(ErasureLayout layout, ReedSolomon codec)
        : this(layout, codec, FileShardIo.Instance)
    {
    }

    internal SegmentShardWriter(ErasureLayout layout, ReedSolomon codec, IShardFileIo io)
    {
        if (codec.DataShards != layout.DataShards || codec.ParityShards != layout.ParityShards)
        {
            throw new ArgumentException($"codec is {codec.DataShards}+{codec.ParityShards}, layout is {layout.DataShards}+{layout.ParityShards}.", nameof(codec));
        }

        _layout = layout;
        _codec = codec;
        _io = io;
    }

    /// <summary>Encodes and writes <paramref name="segment"/>; returns once every shard is durable, or the error.</summary>
    public SegmentWriteResult Write(ulong segmentId, ReadOnlySpan<byte> segment)
    {
        var shardLength = _codec.GetShardLength(segment.Length);
        var total = _layout.TotalShards;
        var rented = new byte[total][];
        try
        {
            var shards = new ReadOnlyMemory<byte>[total];
            var dataViews = new ReadOnlyMemory<byte>[_layout.DataShards];
            var parityViews = new Memory<byte>[_layout.ParityShards];
            for (var i = 0; i < total; i++)
            {
                rented[i] = ArrayPool<byte>.Shared.Rent(Math.Max(shardLength, 1));
                var view = rented[i].AsMemory(0, shardLength);
                shards[i] = view;
                if (i < _layout.DataShards)
                {
                    // Shard i holds segment bytes [i x L, (i + 1) x L); past the end it is zero padding.
                    var start = Math.Min((long)i * shardLength, segment.Length);
                    var count = (int)Math.Min(shardLength, segment.Length - start);
                    segment.Slice((int)start, count).CopyTo(view.Span);
                    view.Span[count..].Clear();
                    dataViews[i] = view;
                }
                else
                {
                    parityViews[i - _layout.DataShards] = view;
                }
            }

            _codec.Encode(dataViews, parityViews);
            Debug.Assert(_layout.ParityShards == 0 || shardLength == 0 || _codec.Verify(shards), "parity matches data");
            return ShardFileWriter.WriteAll(_io, _layout, segmentId, segment.Length, shardLength, shards, Enumerable.Range(0, total).ToArray());
        }
        finally
        {
            foreach (var buffer in rented)
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    /// <summary>Reads the sealed segment file at <paramref name="segmentFilePath"/> and writes its shards.</summary>
    public SegmentWriteResult WriteFile(ulong segmentId, string segmentFilePath)
    {
        byte[] bytes;
        try
        {
            // WAL segments are int-sized (SealedSegmentInfo.SizeBytes), so one array holds one.
            bytes = File.ReadAllBytes(segmentFilePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new SegmentWriteResult(SegmentWriteStatus.SourceUnreadable, ex.Message, 0);
        }

        return Write(segmentId, bytes);
    }
}
