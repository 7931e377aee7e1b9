using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Storage;

namespace FastS3.Engine;

/// <summary>A PUT in progress: body chunks go to the log as they arrive; <see cref="CommitAsync"/> appends the commit record and returns once it is durable.</summary>
internal sealed class EngineObjectWriter(EngineObjectStore store, string bucket, ulong bucketGeneration, string key) : IObjectWriter
{
    private readonly BodyChunker _body = new(store, new DataOwner(bucket, key, null, 0));

    public long BytesWritten => _body.BytesWritten;

    public ValueTask<StoreResult<bool>> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _body.WriteAsync(data, "The body could not be written to the log.", cancellationToken);

    public ValueTask<StoreResult<ObjectInfo>> CommitAsync(ObjectInfo info, WriteCondition condition, CancellationToken cancellationToken)
    {
        var error = _body.Finish(out var extents);
        if (error != S3ErrorCode.None)
        {
            return ValueTask.FromResult(StoreResult<ObjectInfo>.Fail(error, "The body could not be written to the log."));
        }

        // The commit record is appended (and applied to the write state) before this call returns;
        // only the durability wait is left in the task, so the extents no longer need the pin.
        var committed = store.CommitPutAsync(bucket, bucketGeneration, key, info, extents, condition);
        _body.Unpin();
        return committed;
    }

    /// <summary>Without a commit the data records stay unreferenced: dead bytes that recovery skips.</summary>
    public ValueTask DisposeAsync()
    {
        _body.Release();
        return ValueTask.CompletedTask;
    }
}
