namespace FastS3.Storage;

/// <summary>An upload in progress. <see cref="Template"/> carries what CreateMultipartUpload said
/// the final object will be (content headers, metadata); size and ETag are filled at Complete.</summary>
/// <param name="ChecksumAlgorithm">Algorithm named at creation (<c>x-amz-checksum-algorithm</c>), or null.</param>
/// <param name="FullObjectChecksum">True for <c>x-amz-checksum-type: FULL_OBJECT</c>, false for COMPOSITE.</param>
public sealed record MultipartUpload(string UploadId, string Key, DateTimeOffset Initiated, ObjectInfo Template, string? ChecksumAlgorithm, bool FullObjectChecksum);
