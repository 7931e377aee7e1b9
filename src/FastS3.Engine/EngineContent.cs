using System.Buffers;
using System.Collections.Immutable;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine;

/// <summary>
/// An object version's bytes: its extents in the log, read by range straight from the segment
/// mappings. The extents stay valid while anyone holds this (segments are never reclaimed while
/// referenced), so a reader keeps its version through overwrites and deletes.
/// </summary>
internal sealed class EngineContent(EngineObjectStore store, ImmutableArray<WalLocation> extents, long length) : IObjectContent
{
    /// <summary>Copy and flush in 64 KiB steps: the server's pipe pauses writers at 64 KiB, so a large GET streams with back-pressure.</summary>
    private const int StepBytes = 64 * 1024;

    public long Length { get; } = length;

    public async ValueTask CopyToAsync(PipeWriter destination, long offset, long length, CancellationToken cancellationToken)
    {
        CheckRange(offset, length);
        var pending = 0;
        var pieces = new ExtentCursor(extents, offset, length, StepBytes);
        while (pieces.TryNext(out var piece))
        {
            ObjectDisposedException.ThrowIf(!store.TryReadData(piece, destination.GetSpan(piece.LengthBytes)[..piece.LengthBytes]), store);

            destination.Advance(piece.LengthBytes);
            pending += piece.LengthBytes;
            if (pending >= StepBytes)
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

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(long offset, long length, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        CheckRange(offset, length);
        var buffer = ArrayPool<byte>.Shared.Rent(StepBytes);
        try
        {
            var pieces = new ExtentCursor(extents, offset, length, StepBytes);
            while (pieces.TryNext(out var piece))
            {
                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(!store.TryReadData(piece, buffer.AsSpan(0, piece.LengthBytes)), store);

                yield return buffer.AsMemory(0, piece.LengthBytes);
                await Task.CompletedTask;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void CheckRange(long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset + length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "Range beyond the object.");
        }
    }
}
