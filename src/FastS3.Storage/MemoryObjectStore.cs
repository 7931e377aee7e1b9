using System.Collections.Concurrent;
using FastS3.Common.Errors;

namespace FastS3.Storage;

/// <summary>
/// The in-memory backend, for tests and ephemeral use. Reads are lock-free (a concurrent
/// dictionary of immutable <see cref="StoredObject"/>s); mutations take a short per-bucket lock
/// that also keeps the ordered key set used by listings, so a conditional write is atomic with
/// its check.
/// </summary>
public sealed partial class MemoryObjectStore : IObjectStore
{
    private readonly ConcurrentDictionary<string, MemoryBucket> _buckets = new(StringComparer.Ordinal);
    private static readonly SortedSet<string> Empty = new(Utf8KeyComparer.Instance);
    private readonly TimeProvider _clock;

    public MemoryObjectStore(TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
    }

    public ValueTask<StoreResult<BucketInfo>> CreateBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        var created = new MemoryBucket(new BucketInfo(bucket, _clock.GetUtcNow()));
        return ValueTask.FromResult(_buckets.TryAdd(bucket, created)
            ? created.Info
            : StoreResult<BucketInfo>.Fail(S3ErrorCode.BucketAlreadyOwnedByYou));
    }

    public ValueTask<StoreResult<bool>> DeleteBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        if (!_buckets.TryGetValue(bucket, out var b))
        {
            return ValueTask.FromResult(StoreResult<bool>.Fail(S3ErrorCode.NoSuchBucket));
        }

        lock (b.Sync)
        {
            if (b.Keys.Count > 0 || !b.Uploads.IsEmpty)
            {
                return ValueTask.FromResult(StoreResult<bool>.Fail(S3ErrorCode.BucketNotEmpty));
            }

            b.Deleted = true;
            _buckets.TryRemove(bucket, out _);
        }

        return ValueTask.FromResult<StoreResult<bool>>(true);
    }

    public BucketInfo? GetBucket(string bucket) => _buckets.TryGetValue(bucket, out var b) ? b.Info : null;

    public IReadOnlyList<BucketInfo> ListBuckets()
    {
        var list = _buckets.Values.Select(b => b.Info).ToList();
        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    public StoreResult<IObjectWriter> BeginPut(string bucket, string key)
    {
        if (!_buckets.TryGetValue(bucket, out var b))
        {
            return StoreResult<IObjectWriter>.Fail(S3ErrorCode.NoSuchBucket);
        }

        return new ObjectWriter(b, key);
    }

    public StoreResult<StoredObject> GetObject(string bucket, string key)
    {
        if (!_buckets.TryGetValue(bucket, out var b))
        {
            return StoreResult<StoredObject>.Fail(S3ErrorCode.NoSuchBucket);
        }

        return b.Objects.TryGetValue(key, out var o) ? o : StoreResult<StoredObject>.Fail(S3ErrorCode.NoSuchKey);
    }

    public ValueTask<StoreResult<bool>> DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        if (!_buckets.TryGetValue(bucket, out var b))
        {
            return ValueTask.FromResult(StoreResult<bool>.Fail(S3ErrorCode.NoSuchBucket));
        }

        lock (b.Sync)
        {
            if (b.Objects.TryRemove(key, out _))
            {
                b.Keys.Remove(key);
            }
        }

        return ValueTask.FromResult<StoreResult<bool>>(true);
    }

    public StoreResult<ListPage> ListObjects(string bucket, ListRequest request)
    {
        if (!_buckets.TryGetValue(bucket, out var b))
        {
            return StoreResult<ListPage>.Fail(S3ErrorCode.NoSuchBucket);
        }

        lock (b.Sync)
        {
            return ListWalker.Walk((bound, pastPrefix) => KeysFrom(b, bound, pastPrefix), request, key => b.Objects.TryGetValue(key, out var o) ? o.Info : null);
        }
    }

    public ValueTask DisposeAsync()
    {
        _buckets.Clear();
        return ValueTask.CompletedTask;
    }

    private static SortedSet<string> KeysFrom(MemoryBucket b, string bound, bool pastPrefix)
    {
        // U+10FFFF (UTF-8 F4 8F BF BF) sorts after every other character: every key starting with
        // the prefix but that one is below the bound; the walker skips such keys itself.
        var lower = pastPrefix ? bound + char.ConvertFromUtf32(0x10FFFF) : bound;
        if (b.Keys.Count == 0 || Utf8KeyComparer.Instance.Compare(lower, b.Keys.Max) > 0)
        {
            return Empty;
        }

        return b.Keys.GetViewBetween(lower, b.Keys.Max!);
    }

    /// <summary>Publishes a committed object if the condition holds; called under no lock.</summary>
    private static StoreResult<ObjectInfo> Publish(MemoryBucket b, string key, ObjectInfo info, MemoryContent content, WriteCondition condition)
    {
        lock (b.Sync)
        {
            if (b.Deleted)
            {
                return StoreResult<ObjectInfo>.Fail(S3ErrorCode.NoSuchBucket);
            }

            b.Objects.TryGetValue(key, out var current);
            var check = condition.Evaluate(current?.Info);
            if (check != S3ErrorCode.None)
            {
                return StoreResult<ObjectInfo>.Fail(check);
            }

            b.Objects[key] = new StoredObject(info, content);
            b.Keys.Add(key);
            return info;
        }
    }

    private sealed class MemoryBucket(BucketInfo info)
    {
        public BucketInfo Info { get; } = info;

        public Lock Sync { get; } = new();

        public ConcurrentDictionary<string, StoredObject> Objects { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> Keys { get; } = new(Utf8KeyComparer.Instance);

        public ConcurrentDictionary<string, MemoryUpload> Uploads { get; } = new(StringComparer.Ordinal);

        public bool Deleted { get; set; }
    }

    private sealed class ObjectWriter(MemoryBucket bucket, string key) : IObjectWriter
    {
        private readonly MemoryContentBuilder _builder = new();

        public long BytesWritten => _builder.Length;

        public ValueTask<StoreResult<bool>> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            _builder.Append(data.Span);
            return ValueTask.FromResult<StoreResult<bool>>(true);
        }

        public ValueTask<StoreResult<ObjectInfo>> CommitAsync(ObjectInfo info, WriteCondition condition, CancellationToken cancellationToken) =>
            ValueTask.FromResult(MemoryObjectStore.Publish(bucket, key, info, _builder.Build(), condition));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
