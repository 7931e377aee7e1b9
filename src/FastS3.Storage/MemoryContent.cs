using System.Buffers;
using System.IO.Pipelines;
using FastS3.Common.Http;

namespace FastS3.Storage;

/// <summary>Object bytes held in memory as a list of segments (a multipart object is its parts'
/// segments, stitched without copying).</summary>
internal sealed class MemoryContent : IObjectContent
{
    /// <summary>Flush after this many bytes so a large GET streams under the pipe's 64 KiB pause threshold.</summary>
    private const int FlushEveryBytes = 64 * 1024;

    private readonly ReadOnlyMemory<byte>[] _segments;

    public MemoryContent(ReadOnlyMemory<byte>[] segments, long length)
    {
        _segments = segments;
        Length = length;
    }

    public static MemoryContent Empty { get; } = new([], 0);

    public long Length { get; }

    internal ReadOnlyMemory<byte>[] Segments => _segments;

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(long offset, long length, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var walk = new SliceWalk(_segments, offset, length);
        while (walk.TryNext(out var slice))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return slice;
            await Task.CompletedTask;
        }
    }

    public async ValueTask CopyToAsync(PipeWriter destination, IDirectBodySink? direct, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset + length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "Range beyond the object.");
        }

        var walk = new SliceWalk(_segments, offset, length);
        if (direct is not null && await direct.TryBeginDirectAsync(length, cancellationToken))
        {
            // The stored arrays are never written again (a new version gets new ones) and this
            // content is held until the send completes: the socket reads them in place.
            while (walk.TryNext(out var slice))
            {
                await direct.SendDirectAsync(slice, cancellationToken);
            }

            return;
        }

        var pending = 0L;
        while (walk.TryNext(out var slice))
        {
            while (!slice.IsEmpty)
            {
                var n = Math.Min(slice.Length, FlushEveryBytes);
                destination.Write(slice.Span[..n]);
                slice = slice[n..];
                pending += n;
                if (pending >= FlushEveryBytes)
                {
                    pending = 0;
                    var flushed = await destination.FlushAsync(cancellationToken);
                    if (flushed.IsCanceled || flushed.IsCompleted)
                    {
                        throw new OperationCanceledException("The client stopped reading.");
                    }
                }
            }
        }
    }

    /// <summary>The stored segments' pieces that cover a range, in order.</summary>
    private struct SliceWalk(ReadOnlyMemory<byte>[] segments, long offset, long length)
    {
        private int _index;

        public bool TryNext(out ReadOnlyMemory<byte> slice)
        {
            while (length > 0 && _index < segments.Length)
            {
                var segment = segments[_index++];
                if (offset >= segment.Length)
                {
                    offset -= segment.Length;
                    continue;
                }

                var take = (int)Math.Min(segment.Length - offset, length);
                slice = segment.Slice((int)offset, take);
                offset = 0;
                length -= take;
                return true;
            }

            slice = default;
            return false;
        }
    }
}
