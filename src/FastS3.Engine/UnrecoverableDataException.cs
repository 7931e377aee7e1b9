using FastS3.Wal;

namespace FastS3.Engine;

/// <summary>
/// Bytes of an object lie in an offloaded segment that has lost more shards than its parity
/// covers: they cannot be derived. Raised mid-read only (a GET checks readability before its
/// headers); the server then aborts the reply instead of sending wrong bytes.
/// </summary>
public sealed class UnrecoverableDataException : IOException
{
    /// <summary>For the extent that could not be read.</summary>
    public UnrecoverableDataException(WalLocation location)
        : base($"log extent {location} is unrecoverable: more shards of its segment are lost than parity covers")
    {
        Location = location;
    }

    /// <summary>The extent that could not be read.</summary>
    public WalLocation Location { get; }
}
