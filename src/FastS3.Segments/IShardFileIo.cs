namespace FastS3.Segments;

/// <summary>
/// The three durable-write steps, behind a seam so a test can fail any one of them (a full disk
/// on write, EIO on fsync, a rename that never happens) and check that no torn shard is visible.
/// </summary>
internal interface IShardFileIo
{
    /// <summary>Creates or truncates <paramref name="tempPath"/>, writes the two parts, and fsyncs the file.</summary>
    void WriteAndSync(string tempPath, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> data);

    /// <summary>Renames <paramref name="tempPath"/> over <paramref name="finalPath"/> (atomic on POSIX).</summary>
    void Publish(string tempPath, string finalPath);

    /// <summary>fsyncs a directory so the renames in it survive a power cut.</summary>
    void SyncDirectory(string directory);
}
