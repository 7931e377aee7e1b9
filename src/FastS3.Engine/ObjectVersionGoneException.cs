namespace FastS3.Engine;

/// <summary>
/// A reader held a version that was overwritten or deleted, and compaction reclaimed its bytes
/// before the read started (a read in progress is never cut off). The response cannot be
/// completed; the client retries and gets the current version.
/// </summary>
public sealed class ObjectVersionGoneException(string bucket, string key)
    : IOException($"The version of '{key}' in bucket '{bucket}' being read was overwritten and its space reclaimed before the read started.")
{
    public string Bucket { get; } = bucket;

    public string Key { get; } = key;
}
