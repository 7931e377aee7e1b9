using System.Buffers;
using System.IO.Pipelines;

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
        foreach (var segment in _segments)
        {
            if (length == 0)
            {
                yield break;
            }

            if (offset >= segment.Length)
            {
                offset -= segment.Length;
                continue;
            }

            var take = (int)Math.Min(segment.Length - offset, length);
            cancellationToken.ThrowIfCancellationRequested();
            yield return segment.Slice((int)offset, take);
            await Task.CompletedTask;
            offset = 0;
            length -= take;
        }
    }

    public async ValueTask CopyToAsync(PipeWriter destination, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset + length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "Range beyond the object.");
        }

        var pending = 0L;
        foreach (var segment in _segments)
        {
            if (length == 0)
            {
                break;
            }

            if (offset >= segment.Length)
            {
                offset -= segment.Length;
                continue;
            }

            var take = (int)Math.Min(segment.Length - offset, length);
            var slice = segment.Slice((int)offset, take);
            offset = 0;
            length -= take;
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
}
