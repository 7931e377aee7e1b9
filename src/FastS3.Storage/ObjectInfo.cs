namespace FastS3.Storage;

/// <summary>
/// Everything S3 returns about an object besides its bytes. Immutable: an overwrite publishes a
/// new instance, so a reader holding one sees a whole object, never a mix.
/// </summary>
public sealed record ObjectInfo
{
    private DateTimeOffset _lastModified;
    private string? _lastModifiedHttpDate;

    public required string Key { get; init; }

    public required long Size { get; init; }

    /// <summary>Quoted, as sent on the wire: <c>"hex-md5"</c> or <c>"hex-md5-N"</c> for multipart.</summary>
    public required string ETag { get; init; }

    public required DateTimeOffset LastModified
    {
        get => _lastModified;
        init
        {
            _lastModified = value;
            _lastModifiedHttpDate = null; // a `with` copy must not keep the old text
        }
    }

    /// <summary>Last-Modified as an HTTP date (RFC 9110 §5.6.7), formatted once per object version, not per GET.</summary>
    public string LastModifiedHttpDate => _lastModifiedHttpDate ??= _lastModified.ToString("r", System.Globalization.CultureInfo.InvariantCulture);

    public string ContentType { get; init; } = "binary/octet-stream";

    public string? ContentEncoding { get; init; }

    public string? ContentDisposition { get; init; }

    public string? ContentLanguage { get; init; }

    public string? CacheControl { get; init; }

    public string? Expires { get; init; }

    /// <summary><c>x-amz-meta-*</c> pairs, names lower-cased without the prefix, in arrival order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> UserMetadata { get; init; } = [];

    /// <summary>The object's integrity checksum (S3 "flexible checksums"), if any.</summary>
    public ObjectChecksum? Checksum { get; init; }

    /// <summary>Number of parts for an object made by CompleteMultipartUpload; 0 otherwise.</summary>
    public int PartsCount { get; init; }

    /// <summary>Byte size of each part, in order, for an object made by CompleteMultipartUpload (GET
    /// with <c>partNumber</c> serves one part); empty otherwise.</summary>
    public IReadOnlyList<long> PartSizes { get; init; } = [];

    public string StorageClass { get; init; } = "STANDARD";
}
