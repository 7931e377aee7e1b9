using System.Buffers;
using System.Numerics;

namespace FastS3.Erasure.Kernels;

/// <summary>
/// Pins a call's shard buffers so kernels can address them with raw pointers. The pins last
/// from <see cref="Pin(int, ReadOnlyMemory{byte})"/> until <see cref="Dispose"/>, which the
/// codec runs (a using statement) as soon as the kernel returns; kernels never keep a
/// pointer past the call.
/// </summary>
/// <remarks>
/// The handle array is cached per thread rather than rented from ArrayPool: the shared pool
/// trims on every gen-2 collection, which would put an allocation back on the hot path. One
/// array of at most 256 handles (6 KiB) per thread that codes.
/// </remarks>
internal readonly struct ShardPins : IDisposable
{
    [ThreadStatic]
    private static MemoryHandle[]? _threadHandles;

    private readonly MemoryHandle[] _handles;
    private readonly int _count;

    private ShardPins(MemoryHandle[] handles, int count)
    {
        _handles = handles;
        _count = count;
    }

    public static ShardPins Rent(int count)
    {
        var handles = _threadHandles;
        if (handles is null || handles.Length < count)
        {
            // 16 covers every common code (4+2 .. 12+4) in one allocation per thread.
            handles = new MemoryHandle[Math.Max(16, (int)BitOperations.RoundUpToPowerOf2((uint)count))];
        }

        // Taken, not shared: a nested call on this thread (none today) would allocate its own.
        _threadHandles = null;
        return new ShardPins(handles, count);
    }

    /// <summary>Pins <paramref name="memory"/> into slot <paramref name="slot"/> and returns its address.</summary>
    public unsafe nint Pin(int slot, ReadOnlyMemory<byte> memory)
    {
        _handles[slot] = memory.Pin();
        return (nint)_handles[slot].Pointer;
    }

    /// <inheritdoc cref="Pin(int, ReadOnlyMemory{byte})"/>
    public unsafe nint Pin(int slot, Memory<byte> memory)
    {
        _handles[slot] = memory.Pin();
        return (nint)_handles[slot].Pointer;
    }

    public void Dispose()
    {
        for (var i = 0; i < _count; i++)
        {
            _handles[i].Dispose();
            _handles[i] = default;
        }

        _threadHandles = _handles;
    }
}
