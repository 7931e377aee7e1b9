using System.Diagnostics;

namespace FastS3.Engine.Paging;

/// <summary>The miss path: take a frame (clock sweep), read the page outside the lock, or wait for another thread's read of it.</summary>
internal sealed partial class BufferPool
{
    /// <summary>
    /// Sweeps that found every frame pinned or being read before a pin gives up. Other threads'
    /// pins last a lookup (microseconds), so 64 sweeps with a backing-off spin (which sleeps 1 ms
    /// every 20th turn) ride out a burst of readers, and a pool really too small fails in ~5 ms.
    /// </summary>
    private const int FruitlessSweeps = 64;

    /// <summary>Why each failed read failed, by frame, for the threads that waited for it (<see cref="LoadFailure.Claim"/> says which read).</summary>
    private readonly LoadFailure?[] _failures;

    /// <summary>Waiters for a read in progress sleep on this monitor; a frame leaving Exclusive pulses it when anyone waits.</summary>
    private readonly object _gate = new();
    private int _waiters;

    /// <summary>Threads waiting for another thread's read of a page now (for tests).</summary>
    internal int ReadWaiters => Volatile.Read(ref _waiters);

    private enum Step
    {
        /// <summary>A frame is now exclusively ours for the page.</summary>
        Claimed,

        /// <summary>The page is resident and now pinned (found under the lock).</summary>
        Pinned,

        /// <summary>Another thread is reading the page in: wait for that read.</summary>
        WaitForRead,

        /// <summary>The sweep's victim is dirty: it is pinned for us to write back outside the lock, then sweep again.</summary>
        Clean,

        /// <summary>Every frame is pinned or being read.</summary>
        NothingFree,
    }

    /// <summary>A pin that missed the lock-free lookup (or found the frame not ready).</summary>
    private int PinMiss(ulong pageId) => TakeFrame(pageId, create: false);

    /// <summary>
    /// Finds <paramref name="pageId"/> again under the lock, else takes a frame for it: pinned and
    /// ready on return, read from the file (a pin) or dirty (<paramref name="create"/>; content
    /// not yet cleared). Every I/O (the read, a dirty victim's write-back) runs with the lock released.
    /// </summary>
    private int TakeFrame(ulong pageId, bool create)
    {
        var spin = default(SpinWait);
        var fruitless = 0;
        while (true)
        {
            Step step;
            int frame;
            long claim = 0;
            var victimPage = EmptyFrame;
            lock (_lock)
            {
                frame = _table.Find(pageId); // exact under the lock
                if (frame >= 0)
                {
                    // Only a read in progress holds a frame named in the table exclusively across a release of the lock.
                    step = TryPinReady(frame) ? Step.Pinned : Step.WaitForRead;
                    claim = _frames[frame].Claims;
                }
                else
                {
                    step = SweepLocked(out frame);
                    if (step == Step.Claimed)
                    {
                        ref var slot = ref _frames[frame];
                        Volatile.Write(ref slot.PageId, pageId);
                        _table.Add(pageId, frame);
                        if (create)
                        {
                            slot.Dirty = Dirty;
                            Interlocked.Increment(ref _dirtyCount);
                            Interlocked.Exchange(ref slot.State, Ready | 1);
                            WakeWaiters();
                            return frame;
                        }

                        _misses++;
                        claim = slot.Claims;
                    }
                    else if (step == Step.Clean)
                    {
                        victimPage = _frames[frame].PageId;
                    }
                }
            }

            switch (step)
            {
                case Step.Claimed:
                    return Read(frame, pageId, claim);
                case Step.Pinned:
                    _frames[frame].Referenced = true;
                    if (create)
                    {
                        MarkDirty(frame);
                    }
                    else
                    {
                        _hits.Increment();
                    }

                    return frame;
                case Step.WaitForRead:
                    WaitForRead(frame, claim, shareFailure: !create); // a page being recreated does not care how its old bytes read
                    break;
                case Step.Clean:
                    WriteBackAndUnpin(frame, victimPage);
                    break;
                default:
                    if (++fruitless >= FruitlessSweeps)
                    {
                        throw new InvalidOperationException($"all {_frames.Length} buffer-pool frames are pinned");
                    }

                    spin.SpinOnce(sleep1Threshold: 20);
                    break;
            }
        }
    }

    /// <summary>
    /// Clock: sweep from the hand, giving each referenced frame a second chance; two full turns
    /// clear every reference bit, so a third finding nothing means every frame is pinned (or being
    /// read, or written back by another thread). A free frame, or a clean unreferenced one nobody
    /// pins, is taken exclusively (and its page leaves the table); a dirty one is pinned for the
    /// caller to write back, and the hand stays on it so the next sweep takes it, clean.
    /// </summary>
    private Step SweepLocked(out int victim)
    {
        var frames = _frames.Length;
        for (var step = 0; step < 2 * frames + 1; step++)
        {
            var frame = _clockHand;
            _clockHand = frame + 1 == frames ? 0 : frame + 1;
            ref var slot = ref _frames[frame];
            var state = Volatile.Read(ref slot.State);
            if (state == Free)
            {
                Interlocked.Exchange(ref slot.State, Exclusive); // Free frames change only under the lock
                slot.Claims++;
                victim = frame;
                return Step.Claimed;
            }

            if (state != Ready)
            {
                continue; // pinned, or being read
            }

            if (slot.Referenced)
            {
                slot.Referenced = false;
                continue;
            }

            // Clean -> Dirty needs a pin taken under this lock (Create), so a frame read here as
            // unpinned and clean stays clean until the swap below.
            if (Volatile.Read(ref slot.Dirty) != Clean)
            {
                if (Volatile.Read(ref slot.Dirty) == Dirty && TryPinReady(frame))
                {
                    _clockHand = frame;
                    victim = frame;
                    return Step.Clean;
                }

                continue; // another thread is writing it back
            }

            if (Interlocked.CompareExchange(ref slot.State, Exclusive, Ready) == Ready)
            {
                slot.Claims++;
                _table.Remove(slot.PageId);
                _evictions++;
                victim = frame;
                return Step.Claimed;
            }

            // A passing pin (a lookup confirming a stale entry) arrived first: next frame.
        }

        victim = -1;
        return Step.NothingFree;
    }

    /// <summary>
    /// Reads <paramref name="pageId"/> into the exclusively held frame and checks it, no lock held;
    /// then the frame becomes ready with the caller's pin. On failure the frame is cleared and
    /// freed, the page leaves the table (the next pin reads it again) and waiters get the error.
    /// </summary>
    private int Read(int frame, ulong pageId, long claim)
    {
        Debug.Assert(Volatile.Read(ref _frames[frame].State) == Exclusive && _frames[frame].PageId == pageId);
        var bytes = _memory.Frame(frame);
        try
        {
            _file.Read(pageId, PageType.None, bytes); // the type is checked by the pin, as on a hit
        }
        catch (Exception error)
        {
            bytes.Clear(); // nothing of a bad page stays readable
            lock (_lock)
            {
                _failures[frame] = new LoadFailure(claim, error);
                _table.Remove(pageId);
                ReleaseToFree(frame);
            }

            throw;
        }

        _frames[frame].Referenced = true;
        Interlocked.Exchange(ref _frames[frame].State, Ready | 1);
        WakeWaiters();
        return frame;
    }

    /// <summary>
    /// Waits until the read that claimed <paramref name="frame"/> as <paramref name="claim"/> is
    /// over; if it failed (and <paramref name="shareFailure"/>), throws its error. On success the
    /// caller pins again: the page is resident (unless already evicted: then it reads it itself).
    /// </summary>
    private void WaitForRead(int frame, long claim, bool shareFailure)
    {
        ref var slot = ref _frames[frame];
        lock (_gate)
        {
            // Incremented before the state is read, and the reader changes the state before it
            // reads the count (both interlocked, so both full fences): it sees this waiter, or this
            // waiter sees the new state. It pulses under the gate, which this thread holds until Wait.
            Interlocked.Increment(ref _waiters);
            try
            {
                while (Volatile.Read(ref slot.State) == Exclusive && Volatile.Read(ref slot.Claims) == claim)
                {
                    Monitor.Wait(_gate);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _waiters);
            }
        }

        var failure = Volatile.Read(ref _failures[frame]);
        if (shareFailure && failure is not null && failure.Claim == claim)
        {
            throw failure.ForWaiter();
        }
    }

    /// <summary>Called after a frame leaves Exclusive (by an interlocked write): wakes waiters, if any.</summary>
    private void WakeWaiters()
    {
        if (Volatile.Read(ref _waiters) != 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }
}
