namespace FastS3.S3;

/// <summary>S3-level settings and limits (HTTP limits live in <see cref="FastS3.Http.HttpLimits"/>).</summary>
public sealed record S3Options
{
    public string Region { get; init; } = "us-east-1";

    /// <summary>Domains for virtual-host-style addressing: a Host of <c>bucket.&lt;domain&gt;</c> names the bucket.</summary>
    public IReadOnlyList<string> VirtualHostDomains { get; init; } = ["localhost", "s3.localhost"];

    /// <summary>1024 bytes of UTF-8: S3's own key limit.</summary>
    public int MaxKeyBytes { get; init; } = 1024;

    /// <summary>5 GiB: S3's single PUT limit; larger objects must use multipart.</summary>
    public long MaxPutBytes { get; init; } = 5L * 1024 * 1024 * 1024;

    /// <summary>S3's minimum for every part but the last.</summary>
    public long MinPartBytes { get; init; } = 5L * 1024 * 1024;

    /// <summary>S3 allows part numbers 1..10000.</summary>
    public int MaxPartNumber { get; init; } = 10000;

    /// <summary>Largest XML request body (DeleteObjects: 1000 keys of 1 KiB; CompleteMultipartUpload:
    /// 10000 parts). Prevents an unbounded buffer for a body that must be parsed whole.</summary>
    public int MaxXmlBodyBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>2 KiB of user metadata (S3's limit for x-amz-meta-* names and values together).</summary>
    public int MaxUserMetadataBytes { get; init; } = 2 * 1024;
}
