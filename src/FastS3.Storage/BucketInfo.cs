namespace FastS3.Storage;

public sealed record BucketInfo(string Name, DateTimeOffset CreationDate);
