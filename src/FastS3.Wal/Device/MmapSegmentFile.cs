using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FastS3.Wal.Device;

/// <summary>
/// A segment file mapped read-write with <see cref="MemoryMappedFile"/>; the leaf that owns the
/// raw pointer. Nothing outside this type sees the pointer, only spans over it.
/// </summary>
internal sealed unsafe class MmapSegmentFile : IWalSegmentFile
{
    private static readonly int PageSizeBytes = Environment.SystemPageSize;

    private readonly SafeFileHandle _handle;
    private readonly MemoryMappedFile _mapping;
    private readonly MemoryMappedViewAccessor _view;
    private readonly WalFlushMethod _flushMethod;

    // Base of the view. Kept alive by _view (AcquirePointer added a reference to the view's
    // SafeHandle); released in Dispose, which the log calls only when no span or lease into this
    // segment can exist any more.
    private byte* _basePointer;
    private int _disposed;

    public MmapSegmentFile(ulong segmentId, SafeFileHandle handle, int sizeBytes, WalFlushMethod flushMethod)
    {
        Debug.Assert(sizeBytes > 0 && sizeBytes % 4096 == 0);
        SegmentId = segmentId;
        SizeBytes = sizeBytes;
        _handle = handle;
        _flushMethod = flushMethod;
        _mapping = MemoryMappedFile.CreateFromFile(handle, mapName: null, sizeBytes, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        _view = _mapping.CreateViewAccessor(0, sizeBytes, MemoryMappedFileAccess.ReadWrite);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _basePointer = pointer + _view.PointerOffset;
    }

    public ulong SegmentId { get; }

    public int SizeBytes { get; }

    public Span<byte> GetSpan(int offset, int lengthBytes)
    {
        Debug.Assert(_basePointer != null, "span requested from a disposed segment file");
        if ((uint)offset > (uint)SizeBytes || (uint)lengthBytes > (uint)(SizeBytes - offset))
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        return new Span<byte>(_basePointer + offset, lengthBytes);
    }

    public void ReadDirect(int offset, Span<byte> destination)
    {
        if ((uint)offset > (uint)SizeBytes || (uint)destination.Length > (uint)(SizeBytes - offset))
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        // pread sees what the mapping holds: MAP_SHARED pages are the file's page cache pages.
        var read = RandomAccess.Read(_handle, destination, offset);
        destination[read..].Clear(); // past the end of a short file reads as zeros, as through the mapping
    }

    public void Flush(int offset, int lengthBytes)
    {
        Debug.Assert(offset >= 0 && lengthBytes >= 0 && offset + lengthBytes <= SizeBytes);
        if (lengthBytes == 0)
        {
            return;
        }

        if (_flushMethod == WalFlushMethod.Fdatasync)
        {
            // The mapping is MAP_SHARED: its dirty pages are the file's page cache pages, so
            // fdatasync on the descriptor writes them back without touching the mapping.
            if (NativeMethods.Fdatasync((int)_handle.DangerousGetHandle()) != 0)
            {
                throw NativeMethods.ErrnoException("fdatasync", Marshal.GetLastPInvokeError());
            }

            return;
        }

        // msync wants a page-aligned start; round down and widen the length to match.
        var start = offset & ~(PageSizeBytes - 1);
        var length = offset + lengthBytes - start;
        if (NativeMethods.Msync(_basePointer + start, (nuint)length, NativeMethods.MsSync) != 0)
        {
            throw NativeMethods.ErrnoException("msync", Marshal.GetLastPInvokeError());
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _basePointer = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _mapping.Dispose();
        _handle.Dispose();
    }
}
