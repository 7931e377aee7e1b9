using FastS3.Common.Errors;

namespace FastS3.S3;

/// <summary>An S3 error raised from deep inside an operation; caught once, in the dispatcher.</summary>
public sealed class S3Exception(S3ErrorCode code, string? message = null) : Exception(message ?? S3ErrorTable.Get(code).Message)
{
    public S3ErrorCode Code { get; } = code;

    /// <summary>Extra elements for the error XML (e.g. StringToSign).</summary>
    public XmlExtra? Extra { get; init; }
}
