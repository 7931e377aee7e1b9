namespace FastS3.Server.Embedded;

/// <summary>Optional headers of an in-process PUT, as S3 names them.</summary>
public sealed record PutObjectOptions
{
    /// <summary>Content-Type stored with the object (S3's default when absent).</summary>
    public string ContentType { get; init; } = "binary/octet-stream";

    /// <summary>User metadata (x-amz-meta-*): names are stored lower-case; 2 KiB in all.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>If-None-Match: * — create only; PreconditionFailed when the key exists.</summary>
    public bool IfNoneMatch { get; init; }

    /// <summary>If-Match — overwrite only this ETag; PreconditionFailed otherwise, NoSuchKey when absent.</summary>
    public string? IfMatch { get; init; }
}
