using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FastS3.Engine;

/// <summary>
/// A grace period for readers, in the style of RCU: a reader announces itself under the current
/// epoch's parity before it takes the visible state, and the compactor, after publishing a state
/// that no longer names the segments it wants to release, flips the epoch and waits for the old
/// parity to drain. A reader that registered after the flip took its state after the publication,
/// so it cannot hold an extent in those segments. Cost on the read path: two interlocked adds on a
/// counter of its own cache line.
/// </summary>
internal sealed class ReadGrace
{
    private readonly Counters _counters = new();
    private long _epoch;

    /// <summary>Registers a reader; dispose the token when it no longer reads log extents.</summary>
    public Token Enter()
    {
        while (true)
        {
            var epoch = Volatile.Read(ref _epoch);
            var parity = (int)(epoch & 1);
            Interlocked.Increment(ref _counters[parity]);

            // Re-check: registering under a parity the compactor already drained would be unseen.
            if (Volatile.Read(ref _epoch) == epoch)
            {
                return new Token(this, parity);
            }

            Interlocked.Decrement(ref _counters[parity]);
        }
    }

    /// <summary>
    /// Flips the epoch and waits until every reader registered before the flip has left, or until
    /// <paramref name="timeout"/>. Only one caller at a time (the compactor).
    /// </summary>
    public bool WaitForEarlierReaders(TimeSpan timeout)
    {
        var old = BeginGrace();
        var started = Stopwatch.GetTimestamp();
        var spin = new SpinWait();
        while (!HaveLeft(old))
        {
            if (Stopwatch.GetElapsedTime(started) >= timeout)
            {
                return false;
            }

            spin.SpinOnce(sleep1Threshold: 10);
        }

        return true;
    }

    /// <summary>
    /// Flips the epoch without waiting: returns the epoch whose readers must leave, to poll with
    /// <see cref="HaveLeft"/>. One grace period at a time: do not begin another until it has ended
    /// (both parities would then count readers of different ages).
    /// </summary>
    public long BeginGrace() => Interlocked.Increment(ref _epoch) - 1;

    /// <summary>True once every reader registered under <paramref name="epoch"/> has left.</summary>
    public bool HaveLeft(long epoch) => Volatile.Read(ref _counters[(int)(epoch & 1)]) == 0;

    private void Exit(int parity)
    {
        var left = Interlocked.Decrement(ref _counters[parity]);
        Debug.Assert(left >= 0, "a reader left twice");
    }

    /// <summary>A registered reader.</summary>
    public readonly struct Token(ReadGrace owner, int parity) : IDisposable
    {
        public void Dispose() => owner?.Exit(parity);
    }

    /// <summary>Two counters 128 bytes apart: readers of one parity never share a cache line with the other's.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct CountersLayout
    {
        [FieldOffset(0)] public long Even;
        [FieldOffset(128)] public long Odd;
    }

    private sealed class Counters
    {
        private CountersLayout _layout;

        public ref long this[int parity] => ref parity == 0 ? ref _layout.Even : ref _layout.Odd;
    }
}
