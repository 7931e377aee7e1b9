using System.Buffers;
using System.Collections.Concurrent;

namespace FastS3.Http;

/// <summary>
/// Fixed-size blocks for the socket pipes. Array-backed on purpose: Pipelines.Sockets.Unofficial
/// calls <c>MemoryMarshal.TryGetArray</c> on every segment. The arrays come from the pinned object
/// heap so the socket layer never pins them per operation, and are recycled here rather than
/// through the shared ArrayPool, whose per-core buckets churn when continuations hop threads
/// (measured as 2-3 KB of garbage per request in the transport prototype).
/// </summary>
public sealed class BlockMemoryPool : MemoryPool<byte>
{
    /// <summary>16 KiB: one typical S3 request head and small body per block; larger bodies span blocks.</summary>
    public const int BlockSize = 16 * 1024;

    /// <summary>Blocks kept for reuse; beyond this, returned blocks go to the GC. Bounds idle memory at 64 MiB.</summary>
    private const int MaxRetainedBlocks = 4096;

    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, "Larger than the block size.");
        }

        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            block.Lease();
            return block;
        }

        var fresh = new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
        fresh.Lease();
        return fresh;
    }

    protected override void Dispose(bool disposing)
    {
        _free.Clear();
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _freeCount) <= MaxRetainedBlocks)
        {
            _free.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _freeCount);
        }
    }

    private sealed class Block : IMemoryOwner<byte>
    {
        private readonly BlockMemoryPool _pool;
        private readonly byte[] _array;
        private int _leased;

        public Block(BlockMemoryPool pool, byte[] array)
        {
            _pool = pool;
            _array = array;
        }

        public Memory<byte> Memory => _array;

        public void Lease() => _leased = 1;

        public void Dispose()
        {
            // A double dispose must not put the block in the free list twice (two owners of one array).
            if (Interlocked.Exchange(ref _leased, 0) == 1)
            {
                _pool.Return(this);
            }
        }
    }
}
