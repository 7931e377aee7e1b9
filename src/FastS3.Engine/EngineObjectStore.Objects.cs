using System.Collections.Immutable;
using FastS3.Common.Errors;
using FastS3.Engine.Mutations;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine;

public sealed partial class EngineObjectStore
{
    public StoreResult<IObjectWriter> BeginPut(string bucket, string key)
    {
        if (Volatile.Read(ref _visibleState).Bucket(bucket) is not { } b)
        {
            return StoreResult<IObjectWriter>.Fail(S3ErrorCode.NoSuchBucket);
        }

        return new EngineObjectWriter(this, bucket, b.Generation, key);
    }

    public StoreResult<StoredObject> GetObject(string bucket, string key)
    {
        if (Volatile.Read(ref _visibleState).Bucket(bucket) is not { } b)
        {
            return StoreResult<StoredObject>.Fail(S3ErrorCode.NoSuchBucket);
        }

        return b.TryGetObject(key, out var entry)
            ? entry.Stored(_content)
            : StoreResult<StoredObject>.Fail(S3ErrorCode.NoSuchKey);
    }

    public ValueTask<StoreResult<bool>> DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var appended = AppendCommit(state => state.Bucket(bucket) switch
        {
            null => Plan.Fail(S3ErrorCode.NoSuchBucket),
            var b when !b.TryGetObject(key, out _) => Plan.Nothing, // S3: deleting a missing key succeeds, and logs nothing
            _ => Plan.Log(new DeleteObjectMutation(bucket, key)),
        });
        return FinishAsync(appended, true);
    }

    public StoreResult<ListPage> ListObjects(string bucket, ListRequest request)
    {
        // One snapshot for the whole page: keys and their metadata come from the same state.
        if (Volatile.Read(ref _visibleState).Bucket(bucket) is not { } b)
        {
            return StoreResult<ListPage>.Fail(S3ErrorCode.NoSuchBucket);
        }

        var lower = request.Prefix;
        if (request.StartAfter is not null && Utf8KeyComparer.Instance.Compare(request.StartAfter, lower) > 0)
        {
            lower = request.StartAfter;
        }

        return ListWalker.Walk(b.KeysFrom(lower), request, key => b.TryGetObject(key, out var entry) ? entry.Info : null);
    }

    internal ValueTask<StoreResult<ObjectInfo>> CommitPutAsync(string bucket, ulong bucketGeneration, string key, ObjectInfo info, ImmutableArray<WalLocation> extents, WriteCondition condition)
    {
        var appended = AppendCommit(state =>
        {
            if (state.Bucket(bucket) is not { } b || b.Generation != bucketGeneration)
            {
                return Plan.Fail(S3ErrorCode.NoSuchBucket); // deleted (and maybe re-created) while the body streamed
            }

            var check = condition.Evaluate(b.TryGetObject(key, out var current) ? current.Info : null);
            return check != S3ErrorCode.None ? Plan.Fail(check) : Plan.Log(new PutObjectMutation(bucket, key, info, extents));
        });
        return FinishAsync(appended, info);
    }
}
