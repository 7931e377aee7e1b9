using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FastS3.Engine.Paging;

/// <summary>
/// The buffer pool's frames: one block of native memory, aligned to 4 KiB so a frame can be handed
/// to O_DIRECT I/O and never straddles a page of the MMU, outside the GC heap (never moved, never
/// scanned). The only unsafe type of the pool: a span it returns points into the block, which lives
/// until <see cref="Dispose"/>; the pool hands a frame's span out only while the frame is pinned.
/// </summary>
internal sealed unsafe class FrameMemory : IDisposable
{
    public const int AlignmentBytes = 4096;

    private readonly int _frameSizeBytes;
    private byte* _base;

    public FrameMemory(int frameCount, int frameSizeBytes)
    {
        Debug.Assert(frameCount > 0 && frameSizeBytes % AlignmentBytes == 0);
        _frameSizeBytes = frameSizeBytes;
        FrameCount = frameCount;
        var bytes = checked((nuint)frameCount * (nuint)frameSizeBytes);
        _base = (byte*)NativeMemory.AlignedAlloc(bytes, AlignmentBytes);
        NativeMemory.Clear(_base, bytes);
    }

    ~FrameMemory() => Free();

    public int FrameCount { get; }

    public Span<byte> Frame(int index)
    {
        Debug.Assert((uint)index < (uint)FrameCount);
        ObjectDisposedException.ThrowIf(_base is null, this);
        return new Span<byte>(_base + ((nint)index * _frameSizeBytes), _frameSizeBytes);
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_base is not null)
        {
            NativeMemory.AlignedFree(_base);
            _base = null;
        }
    }
}
