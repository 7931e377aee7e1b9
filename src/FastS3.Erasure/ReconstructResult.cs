namespace FastS3.Erasure;

/// <summary>
/// The outcome of a reconstruction. Losing more shards than there is parity is an expected
/// event on a failing machine, so it is a value the caller must look at, not an exception;
/// in that case no output byte is written.
/// </summary>
public enum ReconstructResult
{
    /// <summary>Every requested shard now holds its original bytes.</summary>
    Reconstructed = 0,

    /// <summary>
    /// Fewer than k shards are present, so the requested shards cannot be derived; their
    /// buffers were left untouched. The caller falls back to another copy (the cold tier).
    /// </summary>
    TooFewShards = 1,
}
