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

        if (!b.TryGetObject(key, out var entry))
        {
            return StoreResult<StoredObject>.Fail(S3ErrorCode.NoSuchKey);
        }

        return FindUnreadableSegment(entry.Extents) is { } lost
            ? StoreResult<StoredObject>.Fail(S3ErrorCode.InternalError, $"The object's data in log segment {lost} cannot be read: more shards are lost than parity covers.")
            : entry.Stored(bucket, _content);
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

    /// <summary>
    /// The current extents of the version whose metadata is <paramref name="info"/> (compaction
    /// keeps the metadata instance when it moves bytes), or default when that version is gone.
    /// </summary>
    internal ImmutableArray<WalLocation> FindMovedVersion(string bucket, string key, ObjectInfo info) =>
        Volatile.Read(ref _visibleState).Bucket(bucket) is { } b && b.TryGetObject(key, out var entry) && ReferenceEquals(entry.Info, info)
            ? entry.Extents
            : default;

    /// <summary>
    /// The first segment of <paramref name="extents"/> whose bytes can no longer be derived, so a
    /// GET answers 500 before any byte is sent. Local segments cost nothing; an offloaded one
    /// costs k shard-header opens (damage inside a block still surfaces while streaming, as an
    /// aborted body: never as wrong bytes).
    /// </summary>
    private ulong? FindUnreadableSegment(ImmutableArray<WalLocation> extents)
    {
        var checkedId = ulong.MaxValue;
        foreach (var extent in extents)
        {
            if (extent.SegmentId == checkedId)
            {
                continue;
            }

            checkedId = extent.SegmentId;
            if (_wal.CheckReadable(checkedId) == WalStatus.Unrecoverable)
            {
                return checkedId;
            }
        }

        return null;
    }
}
