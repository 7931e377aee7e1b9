using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Storage;

namespace FastS3.Engine;

/// <summary>An UploadPart in progress; same streaming contract as <see cref="EngineObjectWriter"/>.</summary>
internal sealed class EnginePartWriter(EngineObjectStore store, string bucket, ulong bucketGeneration, string key, string uploadId, int partNumber) : IPartWriter
{
    private readonly BodyChunker _body = new(store, new DataOwner(bucket, key, uploadId, partNumber));

    public long BytesWritten => _body.BytesWritten;

    public ValueTask<StoreResult<bool>> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _body.WriteAsync(data, "The part could not be written to the log.", cancellationToken);

    public ValueTask<StoreResult<PartInfo>> CommitAsync(string etag, ObjectChecksum? checksum, CancellationToken cancellationToken)
    {
        var error = _body.Finish(out var extents);
        if (error != S3ErrorCode.None)
        {
            return ValueTask.FromResult(StoreResult<PartInfo>.Fail(error, "The part could not be written to the log."));
        }

        // The commit record is appended (and applied to the write state) before this call returns;
        // only the durability wait is left in the task, so the extents no longer need the pin.
        var committed = store.CommitPartAsync(bucket, bucketGeneration, key, uploadId, partNumber, etag, checksum, extents);
        _body.Unpin();
        return committed;
    }

    public ValueTask DisposeAsync()
    {
        _body.Release();
        return ValueTask.CompletedTask;
    }
}
