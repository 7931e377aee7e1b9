using FastS3.Common.IO;
namespace FastS3.Segments;

/// <summary>The real file system.</summary>
internal sealed class FileShardIo : IShardFileIo
{
    public static readonly FileShardIo Instance = new();

    public void WriteAndSync(string tempPath, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> data)
    {
        // FileMode.Create: a temp left by a crash mid-write is simply overwritten. bufferSize 0:
        // the two writes go straight to the kernel, no 4 KiB staging copy of a 16 MiB shard.
        using var stream = new FileStream(tempPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        stream.Write(prefix);
        stream.Write(data);
        stream.Flush(flushToDisk: true);
    }

    public void Publish(string tempPath, string finalPath) => File.Move(tempPath, finalPath, overwrite: true);

    public void SyncDirectory(string directory) => DirectorySync.Fsync(directory);
}
