using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FastS3.Common.IO;
using Microsoft.Win32.SafeHandles;

namespace FastS3.Wal.Device;

/// <summary>
/// Segment files in one directory, memory-mapped, named <c>{segmentId:x16}.wal</c>; retired files
/// wait as <c>recycle-{n}.wal</c> to be renamed into the next segment id.
/// </summary>
public sealed class FileWalDevice : IWalDevice
{
    /// <summary>errno for "no space left on device" (Linux, macOS).</summary>
    public const int ENOSPC = 28;

    private const string SegmentSuffix = ".wal";
    private const string RecyclePrefix = "recycle-";
    private const string TempSuffix = ".tmp";
    private const string MetadataName = "wal.meta";
    private const string OffloadManifestName = "wal.offload";

    // Zero-fill in 1 MiB writes: large enough to run at disk bandwidth, small enough to allocate
    // once per file on a background thread.

    private readonly string _directory;
    private readonly WalFlushMethod _flushMethod;
    private readonly bool _zeroFillNewSegments;
    private readonly int _maxRecycledSegments;
    private readonly Lock _recycleLock = new();
    private readonly Stack<string> _recycled = new();
    private long _recycleCounter;

    /// <summary>Opens (creating if needed) a WAL directory.</summary>
    /// <param name="directory">The WAL directory.</param>
    /// <param name="flushMethod">fdatasync or msync; see <see cref="WalFlushMethod"/>.</param>
    /// <param name="zeroFillNewSegments">
    /// Write zeros through new files once (after allocating them), so later appends overwrite
    /// written blocks instead of converting unwritten extents at fdatasync time. Off by default:
    /// it writes every byte of the log twice, and in the same run (PERFORMANCE.md, "Large PUT")
    /// fallocate alone was as fast or faster for 4 KiB group commit, one flush per record and
    /// 1 MiB streaming appends alike. Recycled files are overwritten either way.
    /// </param>
    /// <param name="maxRecycledSegments">Retired files kept for reuse; beyond that they are deleted.</param>
    public FileWalDevice(string directory, WalFlushMethod flushMethod = WalFlushMethod.Msync, bool zeroFillNewSegments = false, int maxRecycledSegments = 4)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRecycledSegments);
        _directory = Path.GetFullPath(directory);
        _flushMethod = flushMethod;
        _zeroFillNewSegments = zeroFillNewSegments;
        _maxRecycledSegments = maxRecycledSegments;
        Directory.CreateDirectory(_directory);
        foreach (var path in Directory.EnumerateFiles(_directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(TempSuffix, StringComparison.Ordinal))
            {
                File.Delete(path); // a create or replace that never reached its rename
            }
            else if (name.StartsWith(RecyclePrefix, StringComparison.Ordinal))
            {
                _recycled.Push(path);
                if (long.TryParse(name.AsSpan(RecyclePrefix.Length, name.Length - RecyclePrefix.Length - SegmentSuffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    _recycleCounter = Math.Max(_recycleCounter, n + 1);
                }
            }
        }
    }

    /// <summary>Number of retired files waiting for reuse.</summary>
    public int RecycledCount
    {
        get
        {
            lock (_recycleLock)
            {
                return _recycled.Count;
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ulong> ListSegmentIds()
    {
        var ids = new List<ulong>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*" + SegmentSuffix))
        {
            var name = Path.GetFileName(path);
            if (name.Length == 16 + SegmentSuffix.Length &&
                ulong.TryParse(name.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
            {
                ids.Add(id);
            }
        }

        ids.Sort();
        return ids;
    }

    /// <inheritdoc />
    public IWalSegmentFile CreateSegment(ulong segmentId, int sizeBytes)
    {
        var finalPath = SegmentPath(segmentId);
        Debug.Assert(!File.Exists(finalPath), "segment file already exists");
        string? recycledPath = null;
        lock (_recycleLock)
        {
            if (_recycled.Count > 0)
            {
                recycledPath = _recycled.Pop();
            }
        }

        string sourcePath;
        SafeFileHandle handle;
        if (recycledPath is not null)
        {
            handle = File.OpenHandle(recycledPath, FileMode.Open, FileAccess.ReadWrite);
            try
            {
                if (RandomAccess.GetLength(handle) != sizeBytes)
                {
                    RandomAccess.SetLength(handle, Math.Min(RandomAccess.GetLength(handle), sizeBytes));
                    Allocate(handle, sizeBytes);
                }

                // Only the header and footer areas must read as zero: stale records elsewhere carry
                // the old segment id and fail validation.
                var zeros = new byte[4096];
                RandomAccess.Write(handle, zeros, 0);
                RandomAccess.Write(handle, zeros, sizeBytes - zeros.Length);
                Fdatasync(handle);
            }
            catch
            {
                handle.Dispose();
                throw;
            }

            sourcePath = recycledPath;
        }
        else
        {
            sourcePath = finalPath + TempSuffix;
            // FileShare.Read: on Unix .NET turns FileShare.None into an exclusive flock held for the
            // segment's whole life, which would lock out the sealed-segment consumer reading it.
            handle = File.OpenHandle(sourcePath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
            try
            {
                Allocate(handle, sizeBytes);
                if (_zeroFillNewSegments)
                {
                    WriteZeros(handle, 0, sizeBytes);
                }

                Fdatasync(handle);
            }
            catch
            {
                handle.Dispose();
                TryDelete(sourcePath);
                throw;
            }
        }

        try
        {
            File.Move(sourcePath, finalPath, overwrite: false);
            DirectorySync.Fsync(_directory);
            return new MmapSegmentFile(segmentId, handle, sizeBytes, _flushMethod);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public IWalSegmentFile OpenSegment(ulong segmentId, int sizeBytes)
    {
        var handle = File.OpenHandle(SegmentPath(segmentId), FileMode.Open, FileAccess.ReadWrite);
        try
        {
            if (RandomAccess.GetLength(handle) < sizeBytes)
            {
                Allocate(handle, sizeBytes); // a short file is read as zeros past its end
            }

            return new MmapSegmentFile(segmentId, handle, sizeBytes, _flushMethod);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void RecycleSegment(ulong segmentId)
    {
        var path = SegmentPath(segmentId);
        lock (_recycleLock)
        {
            if (_recycled.Count < _maxRecycledSegments)
            {
                var target = Path.Combine(_directory, RecyclePrefix + _recycleCounter++.ToString(CultureInfo.InvariantCulture) + SegmentSuffix);
                File.Move(path, target);
                _recycled.Push(target);
            }
            else
            {
                File.Delete(path);
            }
        }

        DirectorySync.Fsync(_directory);
    }

    /// <inheritdoc />
    public byte[]? ReadMetadata() => ReadSmallFile(MetadataName);

    /// <inheritdoc />
    public void WriteMetadataDurable(ReadOnlySpan<byte> bytes) => ReplaceDurable(MetadataName, bytes);

    /// <inheritdoc />
    public byte[]? ReadOffloadManifest() => ReadSmallFile(OffloadManifestName);

    /// <inheritdoc />
    public void WriteOffloadManifestDurable(ReadOnlySpan<byte> bytes) => ReplaceDurable(OffloadManifestName, bytes);

    /// <summary>The file name of segment <paramref name="segmentId"/> in a WAL directory (a sealed-segment consumer reads it).</summary>
    public static string SegmentFileName(ulong segmentId) => segmentId.ToString("x16", CultureInfo.InvariantCulture) + SegmentSuffix;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>
    /// Allocates every block of [0, <paramref name="sizeBytes"/>) and sets the size to cover it.
    /// A mapped segment must never have a hole: a store through the mapping into a hole needs a
    /// block at page-fault time, and on a full disk (or a full tmpfs) the kernel answers that
    /// fault with SIGBUS, which kills the process. Allocating up front turns a full disk into an
    /// ENOSPC here, which the log reports as <see cref="WalStatus.DiskFull"/> and survives.
    /// </summary>
    private static void Allocate(SafeFileHandle handle, int sizeBytes) => FileAllocation.Allocate(handle, 0, sizeBytes);

    private static void WriteZeros(SafeFileHandle handle, long from, long to) => FileAllocation.WriteZeros(handle, from, to);

    private static void Fdatasync(SafeFileHandle handle)
    {
        if (NativeMethods.Fdatasync((int)handle.DangerousGetHandle()) != 0)
        {
            throw NativeMethods.ErrnoException("fdatasync", Marshal.GetLastPInvokeError());
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    private string SegmentPath(ulong segmentId) => Path.Combine(_directory, SegmentFileName(segmentId));

    private byte[]? ReadSmallFile(string name)
    {
        var path = Path.Combine(_directory, name);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    // Write temp, fsync, rename, fsync the directory: a reader sees the old or the new bytes.
    private void ReplaceDurable(string name, ReadOnlySpan<byte> bytes)
    {
        var path = Path.Combine(_directory, name);
        var temp = path + TempSuffix;
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.ReadWrite))
        {
            RandomAccess.Write(handle, bytes, 0);
            Fdatasync(handle);
        }

        File.Move(temp, path, overwrite: true);
        DirectorySync.Fsync(_directory);
    }
}
