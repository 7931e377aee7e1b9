namespace FastS3.Storage;

/// <summary>
/// The storage seam: what the S3 layer needs from a backend (the engine, or memory). Keys and
/// bucket names arrive validated; every expected failure is a <see cref="StoreResult{T}"/> error.
/// Implementations are safe for concurrent use; readers never wait for writers.
/// </summary>
public interface IObjectStore : IAsyncDisposable
{
    ValueTask<StoreResult<BucketInfo>> CreateBucketAsync(string bucket, CancellationToken cancellationToken);

    ValueTask<StoreResult<bool>> DeleteBucketAsync(string bucket, CancellationToken cancellationToken);

    BucketInfo? GetBucket(string bucket);

    IReadOnlyList<BucketInfo> ListBuckets();

    /// <summary>Starts writing an object; NoSuchBucket when the bucket is missing.</summary>
    StoreResult<IObjectWriter> BeginPut(string bucket, string key);

    StoreResult<StoredObject> GetObject(string bucket, string key);

    /// <summary>Deletes a key; deleting a missing key succeeds (S3 semantics). NoSuchBucket when the bucket is missing.</summary>
    ValueTask<StoreResult<bool>> DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken);

    StoreResult<ListPage> ListObjects(string bucket, ListRequest request);

    StoreResult<MultipartUpload> CreateMultipartUpload(string bucket, ObjectInfo template, string? checksumAlgorithm, bool fullObjectChecksum);

    StoreResult<MultipartUpload> GetMultipartUpload(string bucket, string key, string uploadId);

    /// <summary>Starts writing one part; the part replaces any earlier part with the same number when committed.</summary>
    StoreResult<IPartWriter> BeginUploadPart(string bucket, string key, string uploadId, int partNumber);

    StoreResult<IReadOnlyList<PartInfo>> ListParts(string bucket, string key, string uploadId);

    /// <summary>Stitches the named parts into the final object (no data copy) and ends the upload.</summary>
    ValueTask<StoreResult<ObjectInfo>> CompleteMultipartUploadAsync(string bucket, string key, string uploadId, IReadOnlyList<CompletedPart> parts, ObjectInfo finalInfo, WriteCondition condition, CancellationToken cancellationToken);

    ValueTask<StoreResult<bool>> AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Uploads in progress whose key starts with <paramref name="prefix"/>, after the markers
    /// (<see cref="UploadListing.IsAfter"/>), in <see cref="UploadListing.Compare"/> order, at most
    /// <paramref name="maxUploads"/>.
    /// </summary>
    StoreResult<IReadOnlyList<MultipartUpload>> ListMultipartUploads(string bucket, string prefix, string keyMarker = "", string uploadIdMarker = "", int maxUploads = int.MaxValue);
}
