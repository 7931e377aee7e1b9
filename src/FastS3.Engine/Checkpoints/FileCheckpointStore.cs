using FastS3.Common.IO;
namespace FastS3.Engine.Checkpoints;

/// <summary>
/// The checkpoint as one file, replaced with the durable-replace recipe: write a temp file,
/// fsync it, rename over the old one, fsync the directory (without the last step the rename may
/// be lost in a power cut and the old checkpoint comes back; still consistent, just older).
/// </summary>
public sealed class FileCheckpointStore : ICheckpointStore
{
    private const string FileName = "index.ckpt";
    private const string TempFileName = "index.ckpt.tmp";

    private readonly string _directory;

    /// <summary>Creates the store in <paramref name="directory"/> (created if missing).</summary>
    public FileCheckpointStore(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    /// <inheritdoc />
    public byte[]? Read()
    {
        var path = Path.Combine(_directory, FileName);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <inheritdoc />
    public void WriteDurable(ReadOnlySpan<byte> bytes)
    {
        var temp = Path.Combine(_directory, TempFileName);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path.Combine(_directory, FileName), overwrite: true);
        DirectorySync.Fsync(_directory);
    }
}
