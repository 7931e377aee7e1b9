namespace FastS3.Engine;

/// <summary>Outcome of reading one log extent.</summary>
internal enum ExtentRead
{
    Ok,

    /// <summary>The store is closing.</summary>
    Closed,

    /// <summary>The extent's segment was released by compaction: the version moved or is gone.</summary>
    Released,

    /// <summary>The extent's segment has no mapping (the erasure-coded store holds it): read it into a buffer.</summary>
    NotMapped,
}
