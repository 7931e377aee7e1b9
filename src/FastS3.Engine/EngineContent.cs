using System.Buffers;
using System.Collections.Immutable;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using FastS3.Common.Http;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine;

/// <summary>
/// An object version's bytes: its extents in the log, copied by range straight from the segment
/// mappings into the caller's buffer (the pipe's own memory for a GET), or, for a segment the
/// erasure-coded store holds instead, read from its data shards into that same buffer. One
/// instance is kept with its index entry and shared by every reader of the version, so it holds
/// no per-read state. While a read is in progress it is registered with the store's read grace
/// period, so compaction cannot release a segment under it. Between
/// <see cref="EngineObjectStore.GetObject"/> and the first read compaction may have moved the
/// version's extents: a read that finds its segment released looks the version up again (same
/// creating LSN: the same version, moved) and continues from the same offset. A version
/// that was overwritten or deleted <em>and</em> compacted away before its read started fails with
/// <see cref="ObjectVersionGoneException"/>.
/// </summary>
internal sealed class EngineContent(EngineObjectStore store, ObjectEntry version, long length) : IObjectContent
{
    /// <summary>Copy and flush in 64 KiB steps: the server's pipe pauses writers at 64 KiB, so a large GET streams with back-pressure.</summary>
    private const int StepBytes = 64 * 1024;

    /// <summary>Direct sends take 256 KiB of an extent per call: 4 sends per 1 MiB chunk instead of
    /// 16 (a send costs about 1 us of syscall on this VM), while a send the socket takes only in
    /// part leaves at most 256 KiB to copy through the pipe.</summary>
    private const int DirectStepBytes = 256 * 1024;

    public long Length { get; } = length;

    public async ValueTask CopyToAsync(PipeWriter destination, IDirectBodySink? direct, long offset, long length, CancellationToken cancellationToken)
    {
        CheckRange(offset, length);
        using var reading = store.EnterRead();
        var current = version.Extents;
        var sending = direct is not null && await direct.TryBeginDirectAsync(length, cancellationToken);
        var step = sending ? DirectStepBytes : StepBytes;
        var pieces = new ExtentCursor(current, offset, length, step);
        var pending = 0;
        while (pieces.TryNext(out var piece))
        {
            if (sending)
            {
                // Straight from the mapping to the socket, as far as the socket takes it now; the
                // rest (a full socket buffer, an erasure-coded segment) is copied through the pipe
                // in 64 KiB steps, and direct sending resumes once the pipe has drained.
                var sent = SendPiece(ref current, ref pieces, piece, offset, length, step, direct!);
                if (sent < 0)
                {
                    continue; // moved: the cursor now walks the relocated extents from the same offset
                }

                offset += sent;
                length -= sent;
                if (sent < piece.LengthBytes)
                {
                    sending = false;
                    step = StepBytes;
                    pieces = new ExtentCursor(current, offset, length, step);
                }

                continue;
            }

            if (!ReadPiece(ref current, ref pieces, piece, offset, length, step, destination.GetSpan(piece.LengthBytes)[..piece.LengthBytes]))
            {
                continue; // moved: the cursor now walks the relocated extents from the same offset
            }

            destination.Advance(piece.LengthBytes);
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

                if (direct is not null && await direct.TryBeginDirectAsync(length, cancellationToken))
                {
                    sending = true;
                    step = DirectStepBytes;
                    pieces = new ExtentCursor(current, offset, length, step);
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
            var current = version.Extents;
            var pieces = new ExtentCursor(current, offset, length, StepBytes);
            while (pieces.TryNext(out var piece))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!ReadPiece(ref current, ref pieces, piece, offset, length, StepBytes, buffer.AsSpan(0, piece.LengthBytes)))
                {
                    continue;
                }

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
    /// Reads one piece; false when the version moved: <paramref name="current"/> and
    /// <paramref name="pieces"/> then walk the new extents from <paramref name="offset"/> (where
    /// this piece starts) for the <paramref name="length"/> still to read. Throws when the store
    /// closed or the version is gone.
    /// </summary>
    private bool ReadPiece(ref ImmutableArray<WalLocation> current, ref ExtentCursor pieces, WalLocation piece, long offset, long length, int stepBytes, Span<byte> destination)
    {
        var outcome = store.TryReadData(piece, destination);
        if (outcome == ExtentRead.Ok)
        {
            return true;
        }

        Relocate(outcome, ref current, ref pieces, offset, length, stepBytes);
        return false;
    }

    /// <summary>Sends what the socket takes now of one piece: -1 when the version moved (as in
    /// <see cref="ReadPiece"/>), 0 when nothing went (the rest goes through the pipe).</summary>
    private int SendPiece(ref ImmutableArray<WalLocation> current, ref ExtentCursor pieces, WalLocation piece, long offset, long length, int stepBytes, IDirectBodySink direct)
    {
        var outcome = store.TrySendData(piece, direct, out var sent);
        switch (outcome)
        {
            case ExtentRead.Ok:
                return sent;
            case ExtentRead.NotMapped:
                return 0;
            default:
                Relocate(outcome, ref current, ref pieces, offset, length, stepBytes);
                return -1;
        }
    }

    /// <summary>After a piece found no live extent: points the cursor at the moved version's extents
    /// from <paramref name="offset"/>. Throws when the store closed or the version is gone.</summary>
    private void Relocate(ExtentRead outcome, ref ImmutableArray<WalLocation> current, ref ExtentCursor pieces, long offset, long length, int stepBytes)
    {
        ObjectDisposedException.ThrowIf(outcome == ExtentRead.Closed, store);
        var moved = store.FindMovedVersion(version.Bucket, version.Key, version.VersionLsn);
        if (moved.IsDefault || moved == current)
        {
            throw new ObjectVersionGoneException(version.Bucket, version.Key);
        }

        current = moved;
        pieces = new ExtentCursor(moved, offset, length, stepBytes);
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
