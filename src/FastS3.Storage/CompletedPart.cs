namespace FastS3.Storage;

/// <summary>One <c>&lt;Part&gt;</c> of a CompleteMultipartUpload body.</summary>
public readonly record struct CompletedPart(int PartNumber, string ETag);
