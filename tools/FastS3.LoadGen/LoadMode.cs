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

    /// <summary>GET of one fixed path, no bucket, no preparation: measures the generator itself against nginx or Kestrel.</summary>
    Raw,
}
