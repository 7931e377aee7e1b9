namespace FastS3.Storage;

/// <summary>A stored S3 checksum: algorithm name as S3 spells it (<c>CRC32</c>, <c>CRC32C</c>,
/// <c>CRC64NVME</c>, <c>SHA1</c>, <c>SHA256</c>), the base64 value (with <c>-N</c> for composite),
/// and whether it covers the full object or is composite of part checksums.</summary>
public sealed record ObjectChecksum(string Algorithm, string Value, bool IsComposite)
{
    public string Type => IsComposite ? "COMPOSITE" : "FULL_OBJECT";
}
