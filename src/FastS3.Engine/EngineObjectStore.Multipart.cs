using System.Collections.Immutable;
using FastS3.Common.Errors;
using FastS3.Engine.Index;
using FastS3.Engine.Mutations;
using FastS3.Engine.Paging;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine;

public sealed partial class EngineObjectStore
{
    /// <summary>
    /// Logs the upload and waits for it to be durable before answering, blocking the calling
    /// thread for one group commit (~0.3-0.5 ms with fsync): the interface is synchronous, and an
    /// upload id handed out before its record is durable could vanish in a power cut.
    /// </summary>
    public StoreResult<MultipartUpload> CreateMultipartUpload(string bucket, ObjectInfo template, string? checksumAlgorithm, bool fullObjectChecksum)
    {
        var initiated = _clock.GetUtcNow();
        var upload = new MultipartUpload(UploadListing.NewId(initiated), template.Key, initiated, template, checksumAlgorithm, fullObjectChecksum);
        var appended = AppendCommit(state => state.Bucket(bucket) is null ? Plan.Fail(S3ErrorCode.NoSuchBucket)
            : !ObjectIndex.UploadFits(bucket, upload.Key, upload.UploadId) ? Plan.Fail(S3ErrorCode.KeyTooLongError, $"The index holds keys of up to {ObjectIndex.MaxTreeKeyBytes} bytes including the bucket name.")
            : Plan.Log(new CreateUploadMutation(bucket, upload)));
        var finished = FinishAsync(appended, upload);
        return finished.IsCompleted ? finished.Result : finished.AsTask().GetAwaiter().GetResult();
    }

    public StoreResult<MultipartUpload> GetMultipartUpload(string bucket, string key, string uploadId) =>
        ReadUploads(bucket, (state, b) => FindUpload(state.Objects!, bucket, key, uploadId) is { } upload
            ? upload
            : StoreResult<MultipartUpload>.Fail(S3ErrorCode.NoSuchUpload));

    public StoreResult<IPartWriter> BeginUploadPart(string bucket, string key, string uploadId, int partNumber) =>
        ReadUploads(bucket, (state, b) => FindUpload(state.Objects!, bucket, key, uploadId) is null
            ? StoreResult<IPartWriter>.Fail(S3ErrorCode.NoSuchUpload)
            : new EnginePartWriter(this, bucket, b.Generation, key, uploadId, partNumber));

    public StoreResult<IReadOnlyList<PartInfo>> ListParts(string bucket, string key, string uploadId) =>
        ReadUploads(bucket, (state, b) => FindUpload(state.Objects!, bucket, key, uploadId) is null
            ? StoreResult<IReadOnlyList<PartInfo>>.Fail(S3ErrorCode.NoSuchUpload)
            : _objects.GetParts(state.Objects!, bucket, uploadId).Select(p => p.Info).ToList()); // in part-number order

    public ValueTask<StoreResult<ObjectInfo>> CompleteMultipartUploadAsync(string bucket, string key, string uploadId, IReadOnlyList<CompletedPart> parts, ObjectInfo finalInfo, WriteCondition condition, CancellationToken cancellationToken)
    {
        ObjectInfo? published = null;
        var appended = AppendCommit(state =>
        {
            var error = FindUploadForWrite(state, bucket, key, uploadId);
            if (error != S3ErrorCode.None)
            {
                return Plan.Fail(error);
            }

            var stored = _objects.GetParts(null, bucket, uploadId).ToDictionary(p => p.Info.PartNumber);
            var extents = ImmutableArray.CreateBuilder<WalLocation>();
            long length = 0;
            foreach (var part in parts)
            {
                if (!stored.TryGetValue(part.PartNumber, out var entry) || !ETags.Match(part.ETag, entry.Info.ETag))
                {
                    return Plan.Fail(S3ErrorCode.InvalidPart, $"Part {part.PartNumber} was not uploaded or its ETag does not match.");
                }

                extents.AddRange(entry.Extents);
                length += BodyChunker.Sum(entry.Extents);
            }

            var check = condition.Evaluate(_objects.GetForWrite(bucket, key)?.Info);
            if (check != S3ErrorCode.None)
            {
                return Plan.Fail(check);
            }

            published = finalInfo with { Size = length };
            return Plan.Log(new CompleteUploadMutation(bucket, key, uploadId, published, extents.DrainToImmutable()));
        });
        return appended.Error != S3ErrorCode.None
            ? ValueTask.FromResult(StoreResult<ObjectInfo>.Fail(appended.Error, appended.Message))
            : FinishAsync(appended, published!);
    }

    public ValueTask<StoreResult<bool>> AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        var appended = AppendCommit(state =>
        {
            var error = FindUploadForWrite(state, bucket, key, uploadId);
            return error != S3ErrorCode.None ? Plan.Fail(error) : Plan.Log(new AbortUploadMutation(bucket, uploadId));
        });
        return FinishAsync(appended, true);
    }

    public StoreResult<IReadOnlyList<MultipartUpload>> ListMultipartUploads(string bucket, string prefix, string keyMarker = "", string uploadIdMarker = "", int maxUploads = int.MaxValue) =>
        ReadUploads<IReadOnlyList<MultipartUpload>>(bucket, (state, b) => _objects.Uploads(state.Objects!, bucket, prefix, keyMarker, uploadIdMarker, maxUploads));

    internal ValueTask<StoreResult<PartInfo>> CommitPartAsync(string bucket, ulong bucketGeneration, string key, string uploadId, int partNumber, string etag, ObjectChecksum? checksum, ImmutableArray<WalLocation> extents)
    {
        var info = new PartInfo(partNumber, etag, BodyChunker.Sum(extents), _clock.GetUtcNow(), checksum);
        var appended = AppendCommit(state =>
        {
            var error = FindUploadForWrite(state, bucket, key, uploadId);
            if (error == S3ErrorCode.None && state.Bucket(bucket)!.Generation != bucketGeneration)
            {
                error = S3ErrorCode.NoSuchBucket;
            }

            return error != S3ErrorCode.None ? Plan.Fail(error) : Plan.Log(new PutPartMutation(bucket, uploadId, info, extents));
        });
        return FinishAsync(appended, info);
    }

    /// <summary>Under the commit lock: the upload in the write state, under its own key.</summary>
    private S3ErrorCode FindUploadForWrite(EngineState state, string bucket, string key, string uploadId) =>
        state.Bucket(bucket) is null ? S3ErrorCode.NoSuchBucket
        : FindUpload(null, bucket, key, uploadId) is null ? S3ErrorCode.NoSuchUpload
        : S3ErrorCode.None;

    /// <summary>The upload under the key it was started for: in a reader's version, or the write state when null.</summary>
    private MultipartUpload? FindUpload(PublishedVersion? version, string bucket, string key, string uploadId) =>
        _objects.GetUpload(version, bucket, uploadId) is { } upload && upload.Key == key ? upload : null;

    /// <summary>Runs <paramref name="read"/> in a read section of the visible state's tree version, for a bucket that exists there.</summary>
    private StoreResult<T> ReadUploads<T>(string bucket, Func<EngineState, BucketState, StoreResult<T>> read)
    {
        if (!TryEnter())
        {
            return StoreResult<T>.Fail(S3ErrorCode.SlowDown, "The store is closing.");
        }

        try
        {
            using var reading = _objects.EnterRead();
            var state = Volatile.Read(ref _visibleState);
            return state.Bucket(bucket) is { } b ? read(state, b) : StoreResult<T>.Fail(S3ErrorCode.NoSuchBucket);
        }
        catch (PageCorruptionException corrupt)
        {
            return StoreResult<T>.Fail(S3ErrorCode.InternalError, IndexCorrupt(corrupt));
        }
        finally
        {
            Exit();
        }
    }
}
