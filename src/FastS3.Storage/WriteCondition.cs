using FastS3.Common.Errors;

namespace FastS3.Storage;

/// <summary>A conditional write (S3 "conditional writes"): evaluated atomically with the commit,
/// against the object current at that instant.</summary>
public readonly record struct WriteCondition(bool IfNoneMatchAny, string? IfMatchETag)
{
    public static WriteCondition None => default;

    public bool IsNone => !IfNoneMatchAny && IfMatchETag is null;

    /// <summary>S3 conditional writes, against the object current at commit: If-None-Match: * fails
    /// when the key exists (412); If-Match fails when it does not (404 NoSuchKey) or its ETag differs
    /// (412). Every store calls this inside its publish step, so the rules cannot drift apart.</summary>
    public S3ErrorCode Evaluate(ObjectInfo? current)
    {
        if (IfNoneMatchAny && current is not null)
        {
            return S3ErrorCode.PreconditionFailed;
        }

        if (IfMatchETag is not null)
        {
            if (current is null)
            {
                return S3ErrorCode.NoSuchKey;
            }

            if (!ETags.Match(IfMatchETag, current.ETag))
            {
                return S3ErrorCode.PreconditionFailed;
            }
        }

        return S3ErrorCode.None;
    }
}
