using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.Mutations;
using FastS3.Engine.State;
using FastS3.Storage;

namespace FastS3.Engine;

/// <summary>
/// External LSN mode: an orchestrator entry that writes an object. The body streams into the log
/// in chunks as a client PUT's does (bounded memory, whatever the size); <see cref="CommitAsync"/>
/// logs the entry at its LSN and returns once it is durable. The object becomes visible when the
/// orchestrator's low-water mark passes the entry. Disposing without a commit leaves dead bytes
/// that compaction reclaims.
/// </summary>
public sealed class IngestPut : IAsyncDisposable
{
    private readonly EngineObjectStore _store;
    private readonly ulong _lsn;
    private readonly string _bucket;
    private readonly string _key;
    private readonly BodyChunker _body;
    private ulong? _floor;

    internal IngestPut(EngineObjectStore store, ulong lsn, string bucket, string key, ulong floor)
    {
        _store = store;
        _lsn = lsn;
        _bucket = bucket;
        _key = key;
        _floor = floor;
        _body = new BodyChunker(store, new DataOwner(bucket, key, null, 0));
    }

    /// <summary>The orchestrator's LSN of this entry.</summary>
    public ulong Lsn => _lsn;

    public long BytesWritten => _body.BytesWritten;

    /// <summary>Appends body bytes to the log (see <see cref="IObjectWriter.WriteAsync"/>).</summary>
    public ValueTask<StoreResult<bool>> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        _body.WriteAsync(data, "The body could not be written to the log.", cancellationToken);

    /// <summary>
    /// Logs the entry: <paramref name="info"/> (as the orchestrator replicates it: size, ETag,
    /// checksums, headers) over the body written. Refused without a trace when the LSN is not above
    /// the last entry's or the body's size disagrees with <paramref name="info"/>.
    /// </summary>
    public async ValueTask<IngestResult> CommitAsync(ObjectInfo info)
    {
        if (info.Size != _body.BytesWritten)
        {
            await DisposeAsync();
            return new IngestResult(IngestStatus.Rejected, $"The entry says {info.Size} bytes but {_body.BytesWritten} were written.", S3ErrorCode.IncompleteBody);
        }

        if (!ObjectIndex.Fits(_bucket, _key))
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

        var floor = _floor!.Value;
        var logged = _store.IngestAsync(_lsn, floor, new PutObjectMutation(_bucket, _key, info, extents));
        await DisposeAsync(); // the entry is in the write state (or refused): its floor and pin are no longer needed
        return await logged;
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
}
