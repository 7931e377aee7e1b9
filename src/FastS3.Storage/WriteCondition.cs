namespace FastS3.Storage;

/// <summary>A conditional write (S3 "conditional writes"): evaluated atomically with the commit,
/// against the object current at that instant.</summary>
public readonly record struct WriteCondition(bool IfNoneMatchAny, string? IfMatchETag)
{
    public static WriteCondition None => default;

    public bool IsNone => !IfNoneMatchAny && IfMatchETag is null;
}
