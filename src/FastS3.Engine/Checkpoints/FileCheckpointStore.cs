using FastS3.Common.IO;
namespace FastS3.Engine.Checkpoints;

/// <summary>
/// The checkpoint as one file, replaced with the durable-replace recipe: write a temp file,
/// fsync it, rename over the old one, fsync the directory (without the last step the rename may
/// be lost in a power cut and the old checkpoint comes back; still consistent, just older).
/// </summary>
public sealed class FileCheckpointStore : ICheckpointStore
{
    private const string DefaultFileName = "index.ckpt";

    private readonly string _directory;
    private readonly string _fileName;
    private readonly string _tempFileName;

    /// <summary>Creates the store in <paramref name="directory"/> (created if missing), in the file <paramref name="fileName"/>.</summary>
    public FileCheckpointStore(string directory, string fileName = DefaultFileName)
    {
        _directory = directory;
        _fileName = fileName;
        _tempFileName = fileName + ".tmp";
        Directory.CreateDirectory(directory);
    }

    /// <inheritdoc />
    public byte[]? Read()
    {
        var path = Path.Combine(_directory, _fileName);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <inheritdoc />
    public void WriteDurable(ReadOnlySpan<byte> bytes)
    {
        var temp = Path.Combine(_directory, _tempFileName);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path.Combine(_directory, _fileName), overwrite: true);
        DirectorySync.Fsync(_directory);
    }
}
