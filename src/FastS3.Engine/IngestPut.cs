using System.Collections.Immutable;
using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.Mutations;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine;

/// <summary>
/// External LSN mode: an orchestrator entry that writes an object or a part of a multipart upload.
/// The body streams into the log in chunks as a client PUT's does (bounded memory, whatever the
/// size); <c>CommitAsync</c> logs the entry at its LSN and returns once it is durable. It applies
/// when the orchestrator's low-water mark passes it. Disposing without a commit leaves dead bytes
/// that compaction reclaims. Until it is committed or disposed, it holds the log's low-water mark
/// below its first record: sealed segments after that do not go to the sink and are not released.
/// </summary>
public sealed class IngestPut : IAsyncDisposable
{
    private readonly EngineObjectStore _store;
    private readonly DataOwner _owner;
    private readonly BodyChunker _body;
    private ulong? _floor;

    internal IngestPut(EngineObjectStore store, ulong lsn, DataOwner owner, ulong floor)
    {
        _store = store;
        Lsn = lsn;
        _owner = owner;
        _floor = floor;
        _body = new BodyChunker(store, owner);
    }

    /// <summary>The orchestrator's LSN of this entry.</summary>
    public ulong Lsn { get; }

    public long BytesWritten => _body.BytesWritten;

    /// <summary>Appends body bytes to the log (see <see cref="IObjectWriter.WriteAsync"/>).</summary>
    public ValueTask<StoreResult<bool>> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        _body.WriteAsync(data, "The body could not be written to the log.", cancellationToken);

    /// <summary>
    /// Logs an object entry: <paramref name="info"/> (as the orchestrator replicates it: size, ETag,
    /// checksums, headers) over the body written. Refused without a trace when the LSN is not above
    /// the last entry's or the body's size disagrees with <paramref name="info"/>.
    /// </summary>
    public ValueTask<IngestResult> CommitAsync(ObjectInfo info)
    {
        if (_owner.UploadId is not null)
        {
            throw new InvalidOperationException("this entry writes a part: commit it with its PartInfo");
        }

        return CommitAsync(info.Size, extents => new PutObjectMutation(_owner.Bucket, _owner.Key, info, extents));
    }

    /// <summary>Logs a part entry: <paramref name="info"/> (its number, ETag, size, checksum) over the body written.</summary>
    public ValueTask<IngestResult> CommitAsync(PartInfo info)
    {
        if (_owner.UploadId is not { } uploadId || info.PartNumber != _owner.PartNumber)
        {
            throw new InvalidOperationException($"this entry writes {(_owner.UploadId is null ? "an object" : $"part {_owner.PartNumber}")}, not part {info.PartNumber}");
        }

        return CommitAsync(info.Size, extents => new PutPartMutation(_owner.Bucket, uploadId, info, extents));
    }

    public ValueTask DisposeAsync()
    {
        _body.Release();
        if (_floor is { } floor)
        {
            _floor = null;
            _store.ReleaseIngestFloor(floor);
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask<IngestResult> CommitAsync(long size, Func<ImmutableArray<WalLocation>, Mutation> entry)
    {
        if (size != _body.BytesWritten)
        {
            await DisposeAsync();
            return new IngestResult(IngestStatus.Rejected, $"The entry says {size} bytes but {_body.BytesWritten} were written.", S3ErrorCode.IncompleteBody);
        }

        if (!ObjectIndex.Fits(_owner.Bucket, _owner.Key))
        {
            await DisposeAsync();
            return EngineObjectStore.KeyTooLong;
        }

        var error = _body.Finish(out var extents);
        if (error != S3ErrorCode.None)
        {
            await DisposeAsync();
            return new IngestResult(IngestStatus.Rejected, "The body could not be written to the log.", error);
        }

        var logged = _store.IngestAsync(Lsn, _floor!.Value, entry(extents));
        await DisposeAsync(); // the entry is in the write state (or refused): its floor and pin are no longer needed
        return await logged;
    }
}
