using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics;
using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine;

/// <summary>
/// Streams a body into the log in chunks of at most <see cref="EngineObjectStore.ChunkSizeBytes"/>:
/// small writes are gathered in one pooled buffer, a write that fills whole chunks goes straight
/// from the caller's memory to the mapping. Memory per writer is one chunk, whatever the object
/// size. A failed append poisons the writer: the body is incomplete and must never commit.
/// </summary>
internal sealed class BodyChunker(EngineObjectStore store, DataOwner owner)
{
    private readonly byte[] _ownerHeader = owner.EncodeHeader();
    private readonly ImmutableArray<WalLocation>.Builder _extents = ImmutableArray.CreateBuilder<WalLocation>();
    private byte[]? _buffer;
    private int _filledBytes;
    private ulong? _pinnedSegmentId;
    private S3ErrorCode _failure;

    public long BytesWritten { get; private set; }

    /// <summary>
    /// Appends <paramref name="data"/> once the store has room (see <see cref="EngineObjectStore.AwaitWriteRoomAsync"/>):
    /// synchronous unless compaction has fallen behind. Answers as a writer does, failing with
    /// <paramref name="failure"/> (or, when the stall timed out, with a SlowDown that says so).
    /// </summary>
    public ValueTask<StoreResult<bool>> WriteAsync(ReadOnlyMemory<byte> data, string failure, CancellationToken cancellationToken)
    {
        var room = store.AwaitWriteRoomAsync(cancellationToken);
        return room.IsCompletedSuccessfully ? new(WriteWithRoom(room.Result, data.Span, failure)) : WriteAfterStallAsync(room, data, failure);
    }

    private async ValueTask<StoreResult<bool>> WriteAfterStallAsync(ValueTask<S3ErrorCode> room, ReadOnlyMemory<byte> data, string failure) =>
        WriteWithRoom(await room.ConfigureAwait(false), data.Span, failure);

    private StoreResult<bool> WriteWithRoom(S3ErrorCode room, ReadOnlySpan<byte> data, string failure)
    {
        if (room != S3ErrorCode.None)
        {
            _failure = room;
            return StoreResult<bool>.Fail(room, "Compaction is behind the writes; retry later.");
        }

        var error = Write(data);
        return error == S3ErrorCode.None ? true : StoreResult<bool>.Fail(error, failure);
    }

    public S3ErrorCode Write(ReadOnlySpan<byte> data)
    {
        if (_failure != S3ErrorCode.None)
        {
            return _failure;
        }

        var chunk = store.ChunkSizeBytes;
        while (!data.IsEmpty)
        {
            if (_filledBytes == 0 && data.Length >= chunk)
            {
                if (!AppendChunk(data[..chunk]))
                {
                    return _failure;
                }

                data = data[chunk..];
                BytesWritten += chunk;
                continue;
            }

            _buffer ??= ArrayPool<byte>.Shared.Rent(chunk);
            var n = Math.Min(data.Length, chunk - _filledBytes);
            data[..n].CopyTo(_buffer.AsSpan(_filledBytes));
            _filledBytes += n;
            BytesWritten += n;
            data = data[n..];
            if (_filledBytes == chunk)
            {
                if (!AppendChunk(_buffer.AsSpan(0, chunk)))
                {
                    return _failure;
                }

                _filledBytes = 0;
            }
        }

        return S3ErrorCode.None;
    }

    /// <summary>Appends the last partial chunk; the extents then cover exactly <see cref="BytesWritten"/> bytes.</summary>
    public S3ErrorCode Finish(out ImmutableArray<WalLocation> extents)
    {
        extents = default;
        if (_failure == S3ErrorCode.None && _filledBytes > 0)
        {
            if (AppendChunk(_buffer.AsSpan(0, _filledBytes)))
            {
                _filledBytes = 0;
            }
        }

        ReturnBuffer();
        if (_failure != S3ErrorCode.None)
        {
            return _failure;
        }

        extents = _extents.DrainToImmutable();
        Debug.Assert(Sum(extents) == BytesWritten, "extents cover the body exactly");
        _failure = S3ErrorCode.InternalError; // a writer commits once
        return S3ErrorCode.None;
    }

    /// <summary>Returns the chunk buffer and drops the segment pin (idempotent).</summary>
    public void Release()
    {
        ReturnBuffer();
        Unpin();
    }

    /// <summary>
    /// Drops the pin that keeps compaction away from this body's segments: call once the commit
    /// record is applied to the write state (its extents are then in the index) or the body is
    /// abandoned.
    /// </summary>
    public void Unpin()
    {
        if (_pinnedSegmentId is { } pinned)
        {
            _pinnedSegmentId = null;
            store.UnpinSegment(pinned);
        }
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    internal static long Sum(ImmutableArray<WalLocation> extents)
    {
        long total = 0;
        foreach (var extent in extents)
        {
            total += extent.LengthBytes;
        }

        return total;
    }

    private bool AppendChunk(ReadOnlySpan<byte> chunk)
    {
        _pinnedSegmentId ??= store.PinActiveSegment();
        var error = store.AppendData(_ownerHeader, chunk, out var location);
        if (error != S3ErrorCode.None)
        {
            _failure = error;
            return false;
        }

        _extents.Add(location);
        return true;
    }
}
