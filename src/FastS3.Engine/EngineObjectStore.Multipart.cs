using System.Collections.Immutable;
using System.Security.Cryptography;
using FastS3.Common.Errors;
using FastS3.Engine.Mutations;
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
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var upload = new MultipartUpload(id, template.Key, _clock.GetUtcNow(), template, checksumAlgorithm, fullObjectChecksum);
        var appended = AppendCommit(state => state.Bucket(bucket) is null
            ? Plan.Fail(S3ErrorCode.NoSuchBucket)
            : Plan.Log(new CreateUploadMutation(bucket, upload)));
        var finished = FinishAsync(appended, upload);
        return finished.IsCompleted ? finished.Result : finished.AsTask().GetAwaiter().GetResult();
    }

    public StoreResult<MultipartUpload> GetMultipartUpload(string bucket, string key, string uploadId)
    {
        var error = FindUpload(Volatile.Read(ref _visibleState), bucket, key, uploadId, out _, out var upload);
        return error != S3ErrorCode.None ? StoreResult<MultipartUpload>.Fail(error) : upload!.Upload;
    }

    public StoreResult<IPartWriter> BeginUploadPart(string bucket, string key, string uploadId, int partNumber)
    {
        var error = FindUpload(Volatile.Read(ref _visibleState), bucket, key, uploadId, out var b, out _);
        if (error != S3ErrorCode.None)
        {
            return StoreResult<IPartWriter>.Fail(error);
        }

        return new EnginePartWriter(this, bucket, b!.Generation, key, uploadId, partNumber);
    }

    public StoreResult<IReadOnlyList<PartInfo>> ListParts(string bucket, string key, string uploadId)
    {
        var error = FindUpload(Volatile.Read(ref _visibleState), bucket, key, uploadId, out _, out var upload);
        if (error != S3ErrorCode.None)
        {
            return StoreResult<IReadOnlyList<PartInfo>>.Fail(error);
        }

        return upload!.Parts.Values.Select(p => p.Info).ToList(); // the dictionary is ordered by part number
    }

    public ValueTask<StoreResult<ObjectInfo>> CompleteMultipartUploadAsync(string bucket, string key, string uploadId, IReadOnlyList<CompletedPart> parts, ObjectInfo finalInfo, WriteCondition condition, CancellationToken cancellationToken)
    {
        ObjectInfo? published = null;
        var appended = AppendCommit(state =>
        {
            var error = FindUpload(state, bucket, key, uploadId, out var b, out var upload);
            if (error != S3ErrorCode.None)
            {
                return Plan.Fail(error);
            }

            var extents = ImmutableArray.CreateBuilder<WalLocation>();
            long length = 0;
            foreach (var part in parts)
            {
                if (!upload!.Parts.TryGetValue(part.PartNumber, out var stored) || !ETags.Match(part.ETag, stored.Info.ETag))
                {
                    return Plan.Fail(S3ErrorCode.InvalidPart, $"Part {part.PartNumber} was not uploaded or its ETag does not match.");
                }

                extents.AddRange(stored.Extents);
                length += BodyChunker.Sum(stored.Extents);
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
            var error = FindUpload(state, bucket, key, uploadId, out _, out _);
            return error != S3ErrorCode.None ? Plan.Fail(error) : Plan.Log(new AbortUploadMutation(bucket, uploadId));
        });
        return FinishAsync(appended, true);
    }

    public StoreResult<IReadOnlyList<MultipartUpload>> ListMultipartUploads(string bucket, string prefix)
    {
        if (Volatile.Read(ref _visibleState).Bucket(bucket) is not { } b)
        {
            return StoreResult<IReadOnlyList<MultipartUpload>>.Fail(S3ErrorCode.NoSuchBucket);
        }

        return b.Uploads.Values.Select(u => u.Upload)
            .Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(u => u.Key, Utf8KeyComparer.Instance)
            .ThenBy(u => u.Initiated)
            .ThenBy(u => u.UploadId, StringComparer.Ordinal)
            .ToList();
    }

    internal ValueTask<StoreResult<PartInfo>> CommitPartAsync(string bucket, ulong bucketGeneration, string key, string uploadId, int partNumber, string etag, ObjectChecksum? checksum, ImmutableArray<WalLocation> extents)
    {
        var info = new PartInfo(partNumber, etag, BodyChunker.Sum(extents), _clock.GetUtcNow(), checksum);
        var appended = AppendCommit(state =>
        {
            var error = FindUpload(state, bucket, key, uploadId, out var b, out _);
            if (error == S3ErrorCode.None && b!.Generation != bucketGeneration)
            {
                error = S3ErrorCode.NoSuchBucket;
            }

            return error != S3ErrorCode.None ? Plan.Fail(error) : Plan.Log(new PutPartMutation(bucket, uploadId, info, extents));
        });
        return FinishAsync(appended, info);
    }

    private static S3ErrorCode FindUpload(EngineState state, string bucket, string key, string uploadId, out BucketState? b, out UploadState? upload)
    {
        upload = null;
        b = state.Bucket(bucket);
        if (b is null)
        {
            return S3ErrorCode.NoSuchBucket;
        }

        if (!b.Uploads.TryGetValue(uploadId, out upload) || upload.Upload.Key != key)
        {
            upload = null;
            return S3ErrorCode.NoSuchUpload;
        }

        return S3ErrorCode.None;
    }
}
