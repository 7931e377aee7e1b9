using System.Buffers;

namespace FastS3.Erasure.Kernels;

/// <summary>
/// Pins a call's shard buffers so kernels can address them with raw pointers. The handles
/// live in a pooled array, so steady-state calls allocate nothing; the pins last from
/// <see cref="Pin"/> until <see cref="Dispose"/>, which the codec calls when the kernel
/// returns (a using statement around each Encode/Verify/Reconstruct call).
/// </summary>
internal readonly struct ShardPins : IDisposable
{
    private readonly MemoryHandle[] _handles;
    private readonly int _count;

    private ShardPins(MemoryHandle[] handles, int count)
    {
        _handles = handles;
        _count = count;
    }

    public static ShardPins Rent(int count) => new(ArrayPool<MemoryHandle>.Shared.Rent(count), count);

    /// <summary>Pins <paramref name="memory"/> into slot <paramref name="slot"/> and returns its address.</summary>
    public unsafe nint Pin(int slot, ReadOnlyMemory<byte> memory)
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

        ArrayPool<MemoryHandle>.Shared.Return(_handles);
    }
}
