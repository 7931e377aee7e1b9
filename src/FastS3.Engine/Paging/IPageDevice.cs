namespace FastS3.Engine.Paging;

/// <summary>
/// The index's only door to storage: one page file with positional I/O plus one small metadata
/// file (the checkpoint record). <see cref="FilePageDevice"/> is the real one;
/// <see cref="FaultInjectingPageDevice"/> keeps both in memory and can tear a write, drop
/// unsynced writes, flip a bit and fail an fsync. Failures are <see cref="IOException"/>s.
/// </summary>
public interface IPageDevice : IDisposable
{
    /// <summary>Current length of the page file in bytes.</summary>
    long LengthBytes { get; }

    /// <summary>Grows (or truncates) the page file; new bytes read as zero and have their blocks, so writes inside the file never fail for space. A full disk fails the growth (IOException, HResult 28).</summary>
    void SetLength(long lengthBytes);

    /// <summary>Reads exactly <c>destination.Length</c> bytes at <paramref name="offset"/>; bytes past the end read as zero.</summary>
    void Read(long offset, Span<byte> destination);

    /// <summary>Writes at <paramref name="offset"/>; volatile until <see cref="Sync"/> returns.</summary>
    void Write(long offset, ReadOnlySpan<byte> source);

    /// <summary>fsync of the page file: every earlier write is durable when this returns.</summary>
    void Sync();

    /// <summary>The metadata file's bytes, or null if it does not exist.</summary>
    byte[]? ReadMetadata();

    /// <summary>Replaces the metadata file durably: write temp, fsync, rename, fsync directory.</summary>
    void WriteMetadataDurable(ReadOnlySpan<byte> bytes);
}
