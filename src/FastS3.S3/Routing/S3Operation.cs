namespace FastS3.S3.Routing;

/// <summary>Every operation the router can name. One exhaustive switch in
/// <see cref="S3Application"/> dispatches them.</summary>
public enum S3Operation : byte
{
    MethodNotAllowed = 0,
    NotImplemented,
    ListBuckets,
    CreateBucket,
    DeleteBucket,
    HeadBucket,
    GetBucketLocation,
    GetBucketVersioning,
    ListObjects,
    ListObjectsV2,
    ListObjectVersions,
    ListMultipartUploads,
    DeleteObjects,
    PutObject,
    CopyObject,
    GetObject,
    HeadObject,
    DeleteObject,
    CreateMultipartUpload,
    UploadPart,
    UploadPartCopy,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    ListParts,
}
