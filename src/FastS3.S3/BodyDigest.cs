using FastS3.Storage;

namespace FastS3.S3;

/// <summary>What was learned while a body streamed through: its decoded length, its MD5 (the
/// ETag) and its verified (or server-computed) S3 checksum.</summary>
public sealed record BodyDigest(long Length, byte[] Md5, ObjectChecksum Checksum);
