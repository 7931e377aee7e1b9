namespace FastS3.Auth.Checksums;

/// <summary>
/// The integrity algorithms of S3's "Checking object integrity" (x-amz-checksum-*), plus MD5
/// for Content-MD5, which is not an x-amz-checksum algorithm.
/// </summary>
public enum ChecksumAlgorithm
{
    None = 0,
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
    Md5,
}
