namespace FastS3.Engine.Index;

/// <summary>
/// A checkpoint taken by the writer and not yet durable: the version it records (held like a
/// snapshot), the pages published since the previous checkpoint (what must be flushed), and the
/// record bytes to write once they are on disk.
/// </summary>
internal sealed class IndexCheckpointCapture
{
    internal IndexCheckpointCapture(PublishedVersion version, List<ulong> pages, byte[] record)
    {
        Version = version;
        Pages = pages;
        Record = record;
    }

    public PublishedVersion Version { get; }

    internal List<ulong> Pages { get; }

    internal byte[] Record { get; }
}
