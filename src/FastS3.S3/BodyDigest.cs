namespace FastS3.S3;

/// <summary>What was learned while a body streamed through: its decoded length and MD5 (the ETag).</summary>
public sealed record BodyDigest(long Length, byte[] Md5);
