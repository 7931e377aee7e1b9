namespace FastS3.Segments.Tests;

/// <summary>The real file system, except that the Nth call of a step fails like a dying disk would.</summary>
internal sealed class FaultyShardIo : IShardFileIo
{
    private int _writes;
    private int _publishes;
    private int _directorySyncs;

    /// <summary>1-based write that tears (half the data reaches the temp file, then EIO); 0 = never.</summary>
    public int TearWriteNumber { get; set; }

    /// <summary>1-based rename that fails; 0 = never.</summary>
    public int FailPublishNumber { get; set; }

    /// <summary>1-based directory fsync that fails; 0 = never.</summary>
    public int FailDirectorySyncNumber { get; set; }

    public void WriteAndSync(string tempPath, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> data)
    {
        if (++_writes == TearWriteNumber)
        {
            using (var stream = new FileStream(tempPath, FileMode.Create, FileAccess.Write))
            {
                stream.Write(prefix);
                stream.Write(data[..(data.Length / 2)]);
            }

            throw new IOException("Input/output error (simulated fsync failure)", 5);
        }

        FileShardIo.Instance.WriteAndSync(tempPath, prefix, data);
    }

    public void Publish(string tempPath, string finalPath)
    {
        if (++_publishes == FailPublishNumber)
        {
            throw new IOException("No space left on device (simulated rename failure)", 28);
        }

        FileShardIo.Instance.Publish(tempPath, finalPath);
    }

    public void SyncDirectory(string directory)
    {
        if (++_directorySyncs == FailDirectorySyncNumber)
        {
            throw new IOException("Input/output error (simulated directory fsync failure)", 5);
        }

        FileShardIo.Instance.SyncDirectory(directory);
    }
}
