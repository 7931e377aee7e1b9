using System.Buffers;
using System.Collections.Immutable;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine;

/// <summary>
/// An object version's bytes: its extents in the log, copied by range straight from the segment
/// mappings into the caller's buffer (the pipe's own memory for a GET), or, for a segment the
/// erasure-coded store holds instead, read from its data shards into that same buffer. While a
/// read is in progress it is registered with the store's read grace period, so compaction cannot
/// release a segment under it. Between <see cref="EngineObjectStore.GetObject"/> and the first
/// read compaction may have moved the version's extents: a read that finds its segment released
/// looks the version up again (same metadata instance: the same version, moved) and continues
/// from the same offset. A version that was overwritten or deleted <em>and</em> compacted away
/// before its read started fails with <see cref="ObjectVersionGoneException"/>.
/// </summary>
internal sealed class EngineContent(EngineObjectStore store, string bucket, string key, ObjectInfo info, ImmutableArray<WalLocation> extents, long length) : IObjectContent
{
    /// <summary>Copy and flush in 64 KiB steps: the server's pipe pauses writers at 64 KiB, so a large GET streams with back-pressure.</summary>
    private const int StepBytes = 64 * 1024;

    private ImmutableArray<WalLocation> _extents = extents;

    public long Length { get; } = length;

    public async ValueTask CopyToAsync(PipeWriter destination, long offset, long length, CancellationToken cancellationToken)
    {
        CheckRange(offset, length);
        using var reading = store.EnterRead();
        var cursor = new ExtentCursor(_extents, offset);
        var pending = 0;
        while (length > 0)
        {
            var piece = cursor.Peek((int)Math.Min(StepBytes, length));
            if (!ReadPiece(ref cursor, piece, offset, destination.GetSpan(piece.LengthBytes)[..piece.LengthBytes]))
            {
                continue; // moved: the cursor now walks the relocated extents from the same offset
            }

            destination.Advance(piece.LengthBytes);
            cursor.Advance(piece.LengthBytes);
            offset += piece.LengthBytes;
            length -= piece.LengthBytes;
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
        var reading = store.EnterRead();
        try
        {
            var cursor = new ExtentCursor(_extents, offset);
            while (length > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var piece = cursor.Peek((int)Math.Min(StepBytes, length));
                if (!ReadPiece(ref cursor, piece, offset, buffer.AsSpan(0, piece.LengthBytes)))
                {
                    continue;
                }

                cursor.Advance(piece.LengthBytes);
                offset += piece.LengthBytes;
                length -= piece.LengthBytes;
                yield return buffer.AsMemory(0, piece.LengthBytes);
                await Task.CompletedTask;
            }
        }
        finally
        {
            reading.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads one piece; false when the version moved (the cursor is re-seated at
    /// <paramref name="offset"/> over the new extents). Throws when the store closed or the version is gone.
    /// </summary>
    private bool ReadPiece(ref ExtentCursor cursor, WalLocation piece, long offset, Span<byte> destination)
    {
        switch (store.TryReadData(piece, destination))
        {
            case ExtentRead.Ok:
                return true;
            case ExtentRead.Closed:
                throw new ObjectDisposedException(nameof(EngineObjectStore));
            default:
                var moved = store.FindMovedVersion(bucket, key, info);
                if (moved.IsDefault || moved == _extents)
                {
                    throw new ObjectVersionGoneException(bucket, key);
                }

                _extents = moved;
                cursor = new ExtentCursor(moved, offset);
                return false;
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
