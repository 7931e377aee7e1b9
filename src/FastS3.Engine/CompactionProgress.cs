namespace FastS3.Engine;

/// <summary>Compaction counters since open, for logs and metrics.</summary>
public sealed class CompactionProgress
{
    private long _passes;
    private long _segmentsReleased;
    private long _extentsRelocated;
    private long _bytesRelocated;

    /// <summary>Passes that did work (rewrote or released something).</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>Segment files given back.</summary>
    public long SegmentsReleased => Interlocked.Read(ref _segmentsReleased);

    /// <summary>Extents copied.</summary>
    public long ExtentsRelocated => Interlocked.Read(ref _extentsRelocated);

    /// <summary>Payload bytes copied (the write amplification compaction adds).</summary>
    public long BytesRelocated => Interlocked.Read(ref _bytesRelocated);

    internal void Add(in CompactionResult result)
    {
        Interlocked.Increment(ref _passes);
        Interlocked.Add(ref _segmentsReleased, result.SegmentsReleased);
        Interlocked.Add(ref _extentsRelocated, result.ExtentsRelocated);
        Interlocked.Add(ref _bytesRelocated, result.BytesRelocated);
    }
}
