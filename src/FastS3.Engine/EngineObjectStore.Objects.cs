using System.Collections.Immutable;
using FastS3.Common.Errors;
using FastS3.Engine.Mutations;
using FastS3.Engine.Paging;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine;

public sealed partial class EngineObjectStore
{
    public StoreResult<IObjectWriter> BeginPut(string bucket, string key)
    {
        if (IsOrchestrated)
        {
            return StoreResult<IObjectWriter>.Fail(OrchestratedWrite.Error, OrchestratedWrite.Message); // refused before the body is read
        }

        if (Volatile.Read(ref _visibleState).Bucket(bucket) is not { } b)
        {
            return StoreResult<IObjectWriter>.Fail(S3ErrorCode.NoSuchBucket);
        }

        return new EngineObjectWriter(this, bucket, b.Generation, key);
    }

    public StoreResult<StoredObject> GetObject(string bucket, string key)
    {
        ObjectEntry? entry;
        if (!TryEnter())
        {
            return StoreResult<StoredObject>.Fail(S3ErrorCode.SlowDown, "The store is closing.");
        }

        try
        {
            using var reading = _objects.EnterRead(); // the tree's pages of the state's version stay put until it ends
            var state = Volatile.Read(ref _visibleState);
            if (state.Bucket(bucket) is null)
            {
                return StoreResult<StoredObject>.Fail(S3ErrorCode.NoSuchBucket);
            }

            entry = _objects.Find(state.Objects!, bucket, key);
        }
        catch (PageCorruptionException corrupt)
        {
            return StoreResult<StoredObject>.Fail(S3ErrorCode.InternalError, IndexCorrupt(corrupt));
        }
        finally
        {
            Exit();
        }

        if (entry is null)
        {
            return StoreResult<StoredObject>.Fail(S3ErrorCode.NoSuchKey);
        }

        return FindUnreadableSegment(entry.Extents) is { } lost
            ? StoreResult<StoredObject>.Fail(S3ErrorCode.InternalError, $"The object's data in log segment {lost} cannot be read: more shards are lost than parity covers.")
            : entry.Stored(_content);
    }

    public ValueTask<StoreResult<bool>> DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var appended = AppendCommit(state => state.Bucket(bucket) switch
        {
            null => Plan.Fail(S3ErrorCode.NoSuchBucket),
            _ when _objects.GetForWrite(bucket, key) is null => Plan.Nothing, // S3: deleting a missing key succeeds, and logs nothing
            _ => Plan.Log(new DeleteObjectMutation(bucket, key)),
        });
        return FinishAsync(appended, true);
    }

    public StoreResult<ListPage> ListObjects(string bucket, ListRequest request)
    {
        // One version for the whole page: keys and their metadata come from the same state.
        if (!TryEnter())
        {
            return StoreResult<ListPage>.Fail(S3ErrorCode.SlowDown, "The store is closing.");
        }

        try
        {
            using var reading = _objects.EnterRead();
            var state = Volatile.Read(ref _visibleState);
            if (state.Bucket(bucket) is null)
            {
                return StoreResult<ListPage>.Fail(S3ErrorCode.NoSuchBucket);
            }

            // One cursor for the page, re-seeked past each common prefix.
            ObjectIndex.BucketWalk? walk = null;
            IEnumerable<string> KeysFrom(string bound, bool pastPrefix)
            {
                walk = walk is null ? _objects.Walk(state.Objects!, bucket, bound, pastPrefix) : walk.SeekTo(bound, pastPrefix);
                return walk.Keys();
            }

            return ListWalker.Walk(KeysFrom, request, _ => walk!.Current.Info);
        }
        catch (PageCorruptionException corrupt)
        {
            return StoreResult<ListPage>.Fail(S3ErrorCode.InternalError, IndexCorrupt(corrupt));
        }
        finally
        {
            Exit();
        }
    }

    internal ValueTask<StoreResult<ObjectInfo>> CommitPutAsync(string bucket, ulong bucketGeneration, string key, ObjectInfo info, ImmutableArray<WalLocation> extents, WriteCondition condition)
    {
        var appended = AppendCommit(state =>
        {
            if (state.Bucket(bucket) is not { } b || b.Generation != bucketGeneration)
            {
                return Plan.Fail(S3ErrorCode.NoSuchBucket); // deleted (and maybe re-created) while the body streamed
            }

            if (!ObjectIndex.Fits(bucket, key))
            {
                return Plan.Fail(S3ErrorCode.KeyTooLongError, $"The index holds keys of up to {ObjectIndex.MaxTreeKeyBytes} bytes including the bucket name.");
            }

            var check = condition.Evaluate(_objects.GetForWrite(bucket, key)?.Info);
            return check != S3ErrorCode.None ? Plan.Fail(check) : Plan.Log(new PutObjectMutation(bucket, key, info, extents));
        });
        return FinishAsync(appended, info);
    }

    /// <summary>
    /// The current extents of the version created at <paramref name="versionLsn"/> (compaction
    /// keeps it when it moves the bytes), or default when that version is gone.
    /// </summary>
    internal ImmutableArray<WalLocation> FindMovedVersion(string bucket, string key, ulong versionLsn)
    {
        ObjectDisposedException.ThrowIf(!TryEnter(), this);
        try
        {
            using var reading = _objects.EnterRead();
            var state = Volatile.Read(ref _visibleState);
            return state.Bucket(bucket) is not null && _objects.Find(state.Objects!, bucket, key) is { } entry && entry.VersionLsn == versionLsn
                ? entry.Extents
                : default;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// A page of the object index failed its checks (media corruption): the request is answered
    /// with a named 500, never with another object's metadata, and the page is logged. The log
    /// still holds every commit: reopening from an older checkpoint, or replaying with no
    /// checkpoint, rebuilds the index.
    /// </summary>
    private string IndexCorrupt(PageCorruptionException corrupt)
    {
        _options.Log?.Invoke($"engine: {corrupt.Message}");
        return $"The object index is damaged ({corrupt.Message}).";
    }

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
