namespace FastS3.Tests;

/// <summary>
/// A fact that needs a real tmpfs mount: skipped, with the reason, where mounting is not
/// permitted (not root, not Linux), so it can never pass without having run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TmpfsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> UnavailableReason = new(TmpfsVolume.ProbeUnavailableReason);

    public TmpfsFactAttribute()
    {
        if (UnavailableReason.Value is { } reason)
        {
            Skip = reason;
        }
    }
}
