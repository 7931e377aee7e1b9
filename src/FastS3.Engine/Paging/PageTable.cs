using System.Diagnostics;
using System.Numerics;

namespace FastS3.Engine.Paging;

/// <summary>
/// The buffer pool's page table: page id -> frame, open addressing with linear probing, one 64-bit
/// word per slot (<c>(pageId + 1) &lt;&lt; 18 | frame</c>, 0 = empty), so a lookup is one atomic
/// read per probe and needs no lock. Changes are made by one thread at a time (the pool lock).
/// </summary>
/// <remarks>
/// A lock-free <see cref="Find"/> racing a change may miss an entry that is there (removal shifts
/// later entries back, and the reader may pass the slot an entry leaves before it arrives in the
/// one it moves to) or return one that has just been removed. Neither is believed: a hit is
/// confirmed by pinning the frame and re-reading the frame's page, and a miss is checked again
/// under the pool lock before the page is read. The table has at least twice as many slots as
/// frames (load factor at most 1/2: ~1.5 probes for a hit, ~2.5 for a miss).
/// </remarks>
internal sealed class PageTable
{
    /// <summary>18 bits of frame: the pool caps itself at <c>int.MaxValue / 8 KiB</c> = 262,143 frames (2 GiB).</summary>
    public const int FrameBits = 18;

    /// <summary>The largest page id an entry holds (46 bits: 512 PiB of 8 KiB pages); a larger one is a corrupt pointer.</summary>
    public const ulong MaxPageId = (1UL << (64 - FrameBits)) - 2;

    private const long FrameMask = (1L << FrameBits) - 1;

    private readonly long[] _slots;
    private readonly int _shift;
    private readonly int _mask;
    private int _count;

    public PageTable(int frames)
    {
        Debug.Assert(frames > 0 && frames <= FrameMask);
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)frames * 2);
        _slots = new long[capacity];
        _mask = capacity - 1;
        _shift = 64 - BitOperations.Log2((uint)capacity);
    }

    /// <summary>Entries now (exact under the pool lock).</summary>
    public int Count => _count;

    /// <summary>The frame the table names for <paramref name="pageId"/>, or -1. Lock-free: a hint until confirmed (see remarks).</summary>
    public int Find(ulong pageId)
    {
        Debug.Assert(pageId <= MaxPageId);
        var key = (long)(pageId + 1) << FrameBits;
        var slot = Home(pageId);
        for (var probe = 0; probe <= _mask; probe++)
        {
            var entry = Volatile.Read(ref _slots[slot]);
            if (entry == 0)
            {
                return -1;
            }

            if ((entry & ~FrameMask) == key)
            {
                return (int)(entry & FrameMask);
            }

            slot = (slot + 1) & _mask;
        }

        return -1;
    }

    /// <summary>Adds a page that is not in the table. Pool lock held.</summary>
    public void Add(ulong pageId, int frame)
    {
        Debug.Assert(pageId <= MaxPageId && (uint)frame <= FrameMask);
        Debug.Assert(_count < _slots.Length / 2, "more entries than frames");
        var slot = Home(pageId);
        while (Volatile.Read(ref _slots[slot]) != 0)
        {
            Debug.Assert(PageOf(_slots[slot]) != pageId, "page added twice");
            slot = (slot + 1) & _mask;
        }

        Volatile.Write(ref _slots[slot], ((long)(pageId + 1) << FrameBits) | (long)frame);
        _count++;
    }

    /// <summary>
    /// Removes <paramref name="pageId"/> (which must be present), shifting back the entries after it
    /// that would otherwise be cut off from their home slot (no tombstones, so misses stay short).
    /// Pool lock held.
    /// </summary>
    public void Remove(ulong pageId)
    {
        var key = (long)(pageId + 1) << FrameBits;
        var hole = Home(pageId);
        while ((_slots[hole] & ~FrameMask) != key)
        {
            Debug.Assert(_slots[hole] != 0, "removing a page not in the table");
            hole = (hole + 1) & _mask;
        }

        var next = hole;
        while (true)
        {
            next = (next + 1) & _mask;
            var entry = _slots[next];
            if (entry == 0)
            {
                break;
            }

            // The entry may fill the hole unless its home lies cyclically in (hole, next]: then the
            // hole is before its home and a probe for it never passes the hole.
            var home = Home(PageOf(entry));
            var stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!stays)
            {
                Volatile.Write(ref _slots[hole], entry);
                hole = next;
            }
        }

        Volatile.Write(ref _slots[hole], 0);
        _count--;
    }

    private static ulong PageOf(long entry) => ((ulong)entry >> FrameBits) - 1; // unsigned: ids from 2^45 on set the sign bit

    /// <summary>Fibonacci hashing: page ids are dense small integers, the golden-ratio multiply spreads neighbours apart.</summary>
    private int Home(ulong pageId) => (int)((pageId * 0x9E3779B97F4A7C15UL) >> _shift);
}
