namespace FastS3.Storage;

/// <summary>One <c>&lt;Part&gt;</c> of a CompleteMultipartUpload body, with the part checksum the
/// client listed (<c>&lt;ChecksumCRC32&gt;</c> and friends), if any.</summary>
public readonly record struct CompletedPart(int PartNumber, string ETag, string? ChecksumAlgorithm = null, string? ChecksumValue = null);
