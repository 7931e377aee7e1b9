using System.Collections.Concurrent;
using FastS3.Common.Errors;

namespace FastS3.Storage;

public sealed partial class MemoryObjectStore
{
    public StoreResult<MultipartUpload> CreateMultipartUpload(string bucket, ObjectInfo template, string? checksumAlgorithm, bool fullObjectChecksum)
    {
        if (!_buckets.TryGetValue(bucket, out var b))
        {
            return StoreResult<MultipartUpload>.Fail(S3ErrorCode.NoSuchBucket);
        }

        var initiated = _clock.GetUtcNow();
        var id = UploadListing.NewId(initiated);
        var upload = new MultipartUpload(id, template.Key, initiated, template, checksumAlgorithm, fullObjectChecksum);
        b.Uploads[id] = new MemoryUpload(upload);
        return upload;
    }

    public StoreResult<MultipartUpload> GetMultipartUpload(string bucket, string key, string uploadId) =>
        FindUpload(bucket, key, uploadId, out var u) is var error && error != S3ErrorCode.None
            ? StoreResult<MultipartUpload>.Fail(error)
            : u!.Upload;

    public StoreResult<IPartWriter> BeginUploadPart(string bucket, string key, string uploadId, int partNumber)
    {
        var error = FindUpload(bucket, key, uploadId, out var upload);
        if (error != S3ErrorCode.None)
        {
            return StoreResult<IPartWriter>.Fail(error);
        }

        return new PartWriter(upload!, partNumber, _clock);
    }

    public StoreResult<IReadOnlyList<PartInfo>> ListParts(string bucket, string key, string uploadId)
    {
        var error = FindUpload(bucket, key, uploadId, out var upload);
        if (error != S3ErrorCode.None)
        {
            return StoreResult<IReadOnlyList<PartInfo>>.Fail(error);
        }

        var parts = upload!.Parts.Values.Select(p => p.Info).OrderBy(p => p.PartNumber).ToList();
        return parts;
    }

    public ValueTask<StoreResult<ObjectInfo>> CompleteMultipartUploadAsync(string bucket, string key, string uploadId, IReadOnlyList<CompletedPart> parts, ObjectInfo finalInfo, WriteCondition condition, CancellationToken cancellationToken)
    {
        var error = FindUpload(bucket, key, uploadId, out var upload);
        if (error != S3ErrorCode.None)
        {
            return ValueTask.FromResult(StoreResult<ObjectInfo>.Fail(error));
        }

        var segments = new List<ReadOnlyMemory<byte>>();
        long length = 0;
        foreach (var part in parts)
        {
            if (!upload!.Parts.TryGetValue(part.PartNumber, out var stored) || !ETags.Match(part.ETag, stored.Info.ETag))
            {
                return ValueTask.FromResult(StoreResult<ObjectInfo>.Fail(S3ErrorCode.InvalidPart, $"Part {part.PartNumber} was not uploaded or its ETag does not match."));
            }

            segments.AddRange(stored.Content.Segments);
            length += stored.Content.Length;
        }

        var b = _buckets[bucket];
        var result = Publish(b, key, finalInfo with { Size = length }, new MemoryContent([.. segments], length), condition);
        if (result.IsSuccess)
        {
            b.Uploads.TryRemove(uploadId, out _);
        }

        return ValueTask.FromResult(result);
    }

    public ValueTask<StoreResult<bool>> AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        var error = FindUpload(bucket, key, uploadId, out _);
        if (error != S3ErrorCode.None)
        {
            return ValueTask.FromResult(StoreResult<bool>.Fail(error));
        }

        _buckets[bucket].Uploads.TryRemove(uploadId, out _);
        return ValueTask.FromResult<StoreResult<bool>>(true);
    }

    public StoreResult<IReadOnlyList<MultipartUpload>> ListMultipartUploads(string bucket, string prefix, string keyMarker = "", string uploadIdMarker = "", int maxUploads = int.MaxValue)
    {
        if (!_buckets.TryGetValue(bucket, out var b))
        {
            return StoreResult<IReadOnlyList<MultipartUpload>>.Fail(S3ErrorCode.NoSuchBucket);
        }

        var list = b.Uploads.Values.Select(u => u.Upload)
            .Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal) && UploadListing.IsAfter(u, keyMarker, uploadIdMarker))
            .Order(Comparer<MultipartUpload>.Create(UploadListing.Compare))
            .Take(maxUploads)
            .ToList();
        return list;
    }

    private S3ErrorCode FindUpload(string bucket, string key, string uploadId, out MemoryUpload? upload)
    {
        upload = null;
        if (!_buckets.TryGetValue(bucket, out var b))
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

    private sealed class MemoryUpload(MultipartUpload upload)
    {
        public MultipartUpload Upload { get; } = upload;

        public ConcurrentDictionary<int, MemoryPart> Parts { get; } = new();
    }

    private sealed record MemoryPart(PartInfo Info, MemoryContent Content);

    private sealed class PartWriter(MemoryUpload upload, int partNumber, TimeProvider clock) : IPartWriter
    {
        private readonly MemoryContentBuilder _builder = new();

        public long BytesWritten => _builder.Length;

        public ValueTask<StoreResult<bool>> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            _builder.Append(data.Span);
            return ValueTask.FromResult<StoreResult<bool>>(true);
        }

        public ValueTask<StoreResult<PartInfo>> CommitAsync(string etag, ObjectChecksum? checksum, CancellationToken cancellationToken)
        {
            var content = _builder.Build();
            var info = new PartInfo(partNumber, etag, content.Length, clock.GetUtcNow(), checksum);
            upload.Parts[partNumber] = new MemoryPart(info, content);
            return ValueTask.FromResult<StoreResult<PartInfo>>(info);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
