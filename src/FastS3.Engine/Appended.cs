using FastS3.Common.Errors;

namespace FastS3.Engine;

/// <summary>Outcome of appending a commit record: an error, or its LSN (0 when nothing needed logging).</summary>
internal readonly record struct Appended(S3ErrorCode Error, string? Message, ulong Lsn);
