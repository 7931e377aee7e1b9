namespace FastS3.Storage;

public sealed record PartInfo(int PartNumber, string ETag, long Size, DateTimeOffset LastModified, ObjectChecksum? Checksum);
