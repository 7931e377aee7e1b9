namespace FastS3.S3.Routing;

/// <summary>The query sub-resource that selects an operation (S3 API Reference, each operation's
/// "Request Syntax"). <see cref="Unsupported"/> is a recognized S3 sub-resource not built here.</summary>
public enum SubResource : byte
{
    None = 0,
    Uploads,
    UploadId,
    Delete,
    Location,
    Versioning,
    Versions,
    ListTypeV2,
    Unsupported,
}
