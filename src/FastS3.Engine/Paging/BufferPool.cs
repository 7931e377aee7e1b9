using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace FastS3.Engine.Paging;

/// <summary>
/// Page frames in pinned, aligned native memory over a <see cref="PageFile"/>: a page table
/// (page id -> frame), pin counts, a dirty bit per frame and clock (second-chance) eviction of
/// unpinned frames; a dirty victim is written back before its frame is reused.
/// </summary>
/// <remarks>
/// <para>Every GET, HEAD and list page walks the tree (~3 pins), from many threads at once, so a
/// hit takes no lock: a lock-free <see cref="PageTable"/> lookup, one compare-and-swap on the
/// frame's state word (pin if ready), a re-read of the frame's page id to confirm, and a plain
/// write of the reference bit if it was clear; Unpin is one interlocked decrement. None allocates.</para>
/// <para>A miss takes the pool lock only to change the table: under it, it claims a victim (a
/// frame whose state is swapped from ready-and-unpinned to exclusive, so no pin can land on it),
/// names the page in the table as loading in that frame, and lets go. The read (pread of 8 KiB,
/// ~5-20 us from the page cache, milliseconds from a disk) and its CRC check run outside any lock;
/// a second reader of the page finds it loading and waits for that read, and sees its error if it
/// fails (the frame is then returned clean and the page is not in the table, so the next pin
/// reads it again). A dirty victim is written back first, also outside the lock: the sweep pins
/// it, lets go of the lock, writes it, and sweeps again (the frame is clean now).</para>
/// <para>Frame state, one word: <c>Free</c> (no page) | <c>Ready + pins</c> | <c>Exclusive</c>
/// (being read, or changing hands under the lock). Free -> Exclusive and Ready+0 -> Exclusive
/// under the pool lock (a miss or <see cref="Create"/> takes the frame, <see cref="Discard"/>
/// drops it); Exclusive -> Ready+1 by the loader when the read checks out, or -> Free under the
/// lock when it does not; Ready+n -> Ready+n±1 by pins, anywhere. A frame's page id changes only
/// while it is exclusive, so a pin that succeeded on a frame whose page id then reads as the one
/// wanted holds that page.</para>
/// <para>Dirty word: Clean -> Dirty (<see cref="Create"/>, pinned); Dirty -> Writing -> Clean by
/// whoever writes it back, holding a pin (eviction's sweep, <see cref="WriteBackIfDirty"/>); a
/// frame is only taken from its page with no pins, so never mid-write.</para>
/// </remarks>
internal sealed partial class BufferPool : IDisposable
{
    /// <summary>The fewest frames a pool gets: a tree update pins at most 3 pages, a cursor 1, with room for a reader or two.</summary>
    public const int MinimumFrames = 8;

    private const ulong EmptyFrame = ulong.MaxValue;

    private const int PinMask = (1 << 28) - 1;
    private const int Free = 0;
    private const int Ready = 1 << 28;
    private const int Exclusive = 2 << 28;

    private const int Clean = 0;
    private const int Dirty = 1;
    private const int Writing = 2;

    private readonly PageFile _file;
    private readonly FrameMemory _memory;
    private readonly FrameSlot[] _frames;
    private readonly PageTable _table;

    /// <summary>Guards table changes, the clock hand and every transition into or out of Exclusive; never held across I/O.</summary>
    private readonly Lock _lock = new();

    private readonly StripedCounter _hits = new();
    private int _clockHand;
    private long _misses;
    private long _evictions;
    private long _writeBacks;
    private int _dirtyCount;

    /// <summary>Creates a pool of <c>max(sizeBytes / 8 KiB, 8)</c> frames.</summary>
    public BufferPool(PageFile file, long sizeBytes)
    {
        _file = file;
        var frames = (int)Math.Clamp(sizeBytes / PageFile.PageSizeBytes, MinimumFrames, int.MaxValue / PageFile.PageSizeBytes);
        _memory = new FrameMemory(frames, PageFile.PageSizeBytes);
        _frames = new FrameSlot[frames];
        for (var frame = 0; frame < frames; frame++)
        {
            _frames[frame].PageId = EmptyFrame;
        }

        _table = new PageTable(frames);
        _failures = new LoadFailure?[frames];
    }

    public int FrameCount => _frames.Length;

    public PageFile File => _file;

    public BufferPoolStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                return new BufferPoolStatistics(_hits.Read(), _misses, _evictions, Volatile.Read(ref _writeBacks), _table.Count, Volatile.Read(ref _dirtyCount));
            }
        }
    }

    /// <summary>Pins page <paramref name="pageId"/>, reading and checking it on a miss.</summary>
    /// <exception cref="PageCorruptionException">The page read from the file fails its checks (or is not of <paramref name="expectedType"/>).</exception>
    public PageHandle Pin(ulong pageId, PageType expectedType)
    {
        if (pageId > PageTable.MaxPageId)
        {
            ThrowBeyondAnyFile(pageId);
        }

        var frame = _table.Find(pageId);
        if (frame < 0 || !TryPin(frame, pageId))
        {
            frame = PinMiss(pageId);
        }
        else
        {
            _hits.Increment();
        }

        if (expectedType != PageType.None)
        {
            var type = PageHeader.ReadType(_memory.Frame(frame));
            if (type != expectedType)
            {
                Unpin(frame);
                ThrowWrongType(pageId, type, expectedType);
            }
        }

        return new PageHandle(this, frame, pageId);
    }

    /// <summary>
    /// Pins a frame for a page the caller is about to write from scratch: zeroed, dirty, never read
    /// from the file (a fresh page's old bytes on disk belong to a freed page).
    /// </summary>
    public PageHandle Create(ulong pageId)
    {
        Debug.Assert(pageId <= PageTable.MaxPageId);
        var frame = TakeFrame(pageId, create: true);
        _memory.Frame(frame).Clear();
        return new PageHandle(this, frame, pageId);
    }

    /// <summary>Drops a freed page's frame without writing it back: its content is garbage now.</summary>
    /// <remarks>
    /// Nobody reads a freed page, but a frame can carry a passing pin (a lookup of another page
    /// that found a stale table entry and is about to let go) or a write-back's (a checkpoint
    /// writing it, or a sweep cleaning it): wait for those, so that no write of the old bytes is
    /// still in flight when the page is reused.
    /// </remarks>
    public void Discard(ulong pageId)
    {
        var spin = default(SpinWait);
        for (var attempt = 0; ; attempt++)
        {
            lock (_lock)
            {
                var frame = _table.Find(pageId);
                if (frame < 0)
                {
                    return;
                }

                ref var slot = ref _frames[frame];
                if (Interlocked.CompareExchange(ref slot.State, Exclusive, Ready) == Ready)
                {
                    slot.Claims++;
                    _table.Remove(pageId);
                    if (slot.Dirty == Dirty)
                    {
                        slot.Dirty = Clean;
                        Interlocked.Decrement(ref _dirtyCount);
                    }

                    Debug.Assert(slot.Dirty == Clean, "a write-back without a pin");
                    ReleaseToFree(frame);
                    return;
                }
            }

            Debug.Assert(attempt < 10_000_000, "a freed page stays pinned");
            spin.SpinOnce(sleep1Threshold: 20);
        }
    }

    /// <summary>Writes page <paramref name="pageId"/> to the file if it is resident and dirty (a checkpoint's flush).</summary>
    /// <remarks>If another thread is writing it back at the time, waits for that write, so the page is on file when this returns.</remarks>
    public void WriteBackIfDirty(ulong pageId)
    {
        int frame;
        lock (_lock)
        {
            frame = _table.Find(pageId);
            if (frame < 0 || Volatile.Read(ref _frames[frame].Dirty) == Clean || !TryPinReady(frame))
            {
                return; // not resident, clean, or being read (so clean)
            }
        }

        WriteBackAndUnpin(frame, pageId);
    }

    /// <summary>Writes every dirty frame to the file (a clean close or a benchmark's setup).</summary>
    public void WriteBackAll()
    {
        for (var frame = 0; frame < _frames.Length; frame++)
        {
            ulong pageId;
            lock (_lock)
            {
                if (Volatile.Read(ref _frames[frame].Dirty) == Clean || !TryPinReady(frame))
                {
                    continue;
                }

                pageId = _frames[frame].PageId;
            }

            WriteBackAndUnpin(frame, pageId);
        }
    }

    public void Dispose() => _memory.Dispose();

    /// <summary>The frame's bytes; <see cref="PageHandle"/> calls this only while it holds a pin.</summary>
    internal Span<byte> FrameSpan(int frame)
    {
        Debug.Assert((Volatile.Read(ref _frames[frame].State) & PinMask) > 0, "span of an unpinned frame");
        return _memory.Frame(frame);
    }

    internal void Unpin(int frame)
    {
        var state = Interlocked.Decrement(ref _frames[frame].State);
        Debug.Assert((state & ~PinMask) == Ready && (state & PinMask) != PinMask, "unpin without pin");
    }

    /// <summary>
    /// The hit path: pins <paramref name="frame"/> if it is ready, then confirms it holds
    /// <paramref name="pageId"/> (the table entry may have been stale: the frame changed hands
    /// between the lookup and the pin). False leaves no pin behind.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryPin(int frame, ulong pageId)
    {
        if (!TryPinReady(frame))
        {
            return false;
        }

        ref var slot = ref _frames[frame];
        if (Volatile.Read(ref slot.PageId) != pageId)
        {
            Unpin(frame);
            return false;
        }

        if (!slot.Referenced)
        {
            Volatile.Write(ref slot.Referenced, true);
        }

        return true;
    }

    /// <summary>Adds a pin if the frame is ready (whatever page it holds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryPinReady(int frame)
    {
        ref var state = ref _frames[frame].State;
        var seen = Volatile.Read(ref state);
        while ((seen & ~PinMask) == Ready)
        {
            Debug.Assert((seen & PinMask) != PinMask, "pin count overflow");
            var before = Interlocked.CompareExchange(ref state, seen + 1, seen);
            if (before == seen)
            {
                return true;
            }

            seen = before;
        }

        return false;
    }

    /// <summary>Returns an exclusively held frame to Free (pool lock held), waking anyone waiting on it.</summary>
    private void ReleaseToFree(int frame)
    {
        ref var slot = ref _frames[frame];
        Debug.Assert(Volatile.Read(ref slot.State) == Exclusive && slot.Dirty == Clean);
        Volatile.Write(ref slot.PageId, EmptyFrame);
        slot.Referenced = false;
        Interlocked.Exchange(ref slot.State, Free);
        WakeWaiters();
    }

    [DoesNotReturn]
    private static void ThrowWrongType(ulong pageId, PageType type, PageType expectedType) =>
        throw new PageCorruptionException(pageId, $"page type {type}, expected {expectedType}");

    [DoesNotReturn]
    private static void ThrowBeyondAnyFile(ulong pageId) =>
        throw new PageCorruptionException(pageId, "page id beyond any page file");
}
