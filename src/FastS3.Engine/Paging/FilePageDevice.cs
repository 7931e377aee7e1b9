using FastS3.Common.IO;
using FastS3.Engine.Checkpoints;
using Microsoft.Win32.SafeHandles;

namespace FastS3.Engine.Paging;

/// <summary>
/// The page file and its checkpoint record as two files in one directory. Page I/O is positional
/// (<see cref="RandomAccess"/>: pread/pwrite, no shared file position, so concurrent readers need
/// no lock); the record is replaced with the durable-replace recipe of <see cref="FileCheckpointStore"/>.
/// </summary>
public sealed class FilePageDevice : IPageDevice
{
    private const string PageFileName = "index.pages";
    private const string MetadataFileName = "index.meta";

    private readonly FileCheckpointStore _metadata;
    private readonly SafeFileHandle _handle;

    /// <summary>Opens (or creates) the page file in <paramref name="directory"/> (created if missing).</summary>
    public FilePageDevice(string directory)
    {
        _metadata = new FileCheckpointStore(directory, MetadataFileName); // creates the directory
        _handle = File.OpenHandle(Path.Combine(directory, PageFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
    }

    /// <inheritdoc />
    public long LengthBytes => RandomAccess.GetLength(_handle);

    /// <summary>Grows with real blocks (fallocate), so a page written later inside the file cannot fail for space; shrinks by truncation.</summary>
    public void SetLength(long lengthBytes)
    {
        var current = RandomAccess.GetLength(_handle);
        if (lengthBytes > current)
        {
            FileAllocation.Allocate(_handle, current, lengthBytes - current);
        }
        else
        {
            RandomAccess.SetLength(_handle, lengthBytes);
        }
    }

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        var done = 0;
        while (done < destination.Length)
        {
            var read = RandomAccess.Read(_handle, destination[done..], offset + done);
            if (read == 0)
            {
                destination[done..].Clear(); // past the end: zero, and the page check names it
                return;
            }

            done += read;
        }
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source) => RandomAccess.Write(_handle, source, offset);

    /// <inheritdoc />
    public void Sync() => RandomAccess.FlushToDisk(_handle);

    /// <inheritdoc />
    public byte[]? ReadMetadata() => _metadata.Read();

    /// <inheritdoc />
    public void WriteMetadataDurable(ReadOnlySpan<byte> bytes) => _metadata.WriteDurable(bytes);

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
