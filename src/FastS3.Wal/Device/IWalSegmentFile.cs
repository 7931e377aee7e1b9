namespace FastS3.Wal.Device;

/// <summary>
/// One fixed-size segment file, mapped (or simulated) as a flat byte range.
/// </summary>
/// <remarks>
/// Spans from <see cref="GetSpan"/> point straight into the mapping: they stay valid until
/// <see cref="IDisposable.Dispose"/>, which the log calls only after it has retired the segment
/// and every read lease on it is gone. Writes through a span are volatile until a successful
/// <see cref="Flush"/> covers them.
/// </remarks>
public interface IWalSegmentFile : IDisposable
{
    /// <summary>Segment id (file name).</summary>
    ulong SegmentId { get; }

    /// <summary>Mapped size in bytes.</summary>
    int SizeBytes { get; }

    /// <summary>A span over [<paramref name="offset"/>, +<paramref name="lengthBytes"/>) of the mapping.</summary>
    Span<byte> GetSpan(int offset, int lengthBytes);

    /// <summary>
    /// Makes [<paramref name="offset"/>, +<paramref name="lengthBytes"/>) durable. Throws
    /// <see cref="IOException"/> on failure; the caller must then treat everything unflushed as
    /// possibly lost (the kernel may already have dropped those dirty pages).
    /// </summary>
    void Flush(int offset, int lengthBytes);

    /// <summary>
    /// Copies bytes without touching the mapping (a positional read on a file): for recovery's
    /// look at each segment's two ends, where a page fault would read a whole readahead window.
    /// </summary>
    void ReadDirect(int offset, Span<byte> destination) => GetSpan(offset, destination.Length).CopyTo(destination);
}
