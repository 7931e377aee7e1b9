namespace FastS3.Wal.Device;

/// <summary>
/// The WAL's only door to storage: a directory of segment files plus one small metadata file.
/// <see cref="FileWalDevice"/> is the real one; <see cref="FaultInjectingWalDevice"/> keeps
/// everything in memory and can tear writes, drop unsynced bytes, flip bits and fail flushes.
/// </summary>
/// <remarks>
/// Failures are <see cref="IOException"/>s; an <see cref="IOException.HResult"/> of
/// <see cref="FileWalDevice.ENOSPC"/> (28) means the disk is full, which the log reports as
/// <see cref="WalStatus.DiskFull"/> instead of an I/O error.
/// </remarks>
public interface IWalDevice : IDisposable
{
    /// <summary>Ids of the segment files present, ascending.</summary>
    IReadOnlyList<ulong> ListSegmentIds();

    /// <summary>
    /// Creates segment <paramref name="segmentId"/> with all <paramref name="sizeBytes"/> allocated,
    /// reusing a recycled file when one is available. The header and footer areas read as zero.
    /// The name appears atomically and durably (temp name, rename, directory fsync).
    /// </summary>
    IWalSegmentFile CreateSegment(ulong segmentId, int sizeBytes);

    /// <summary>Opens an existing segment file.</summary>
    IWalSegmentFile OpenSegment(ulong segmentId, int sizeBytes);

    /// <summary>
    /// Durably removes segment <paramref name="segmentId"/> from the live set: the file is renamed into
    /// the recycle pool (overwriting an already-written file later costs about half the fdatasync
    /// time of writing a fresh one) or deleted when the pool is full. The file must be closed.
    /// </summary>
    void RecycleSegment(ulong segmentId);

    /// <summary>The metadata file's bytes, or null if it does not exist.</summary>
    byte[]? ReadMetadata();

    /// <summary>Replaces the metadata file durably: write temp, fsync, rename, fsync directory.</summary>
    void WriteMetadataDurable(ReadOnlySpan<byte> bytes);

    /// <summary>The offload manifest's bytes, or null if it does not exist.</summary>
    byte[]? ReadOffloadManifest();

    /// <summary>Replaces the offload manifest durably, with the same recipe as the metadata.</summary>
    void WriteOffloadManifestDurable(ReadOnlySpan<byte> bytes);
}
