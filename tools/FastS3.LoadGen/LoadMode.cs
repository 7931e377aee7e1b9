namespace FastS3.LoadGen;

/// <summary>The workloads, after MinIO warp's benchmark names.</summary>
public enum LoadMode
{
    Put,
    Get,
    Stat,
    Delete,
    List,
    Mixed,
    Multipart,
}
