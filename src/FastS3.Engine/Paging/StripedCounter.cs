using System.Numerics;

namespace FastS3.Engine.Paging;

/// <summary>
/// A counter bumped on a hot path by many threads: one cell per processor (up to 64), each on a
/// 128-byte line of its own (two lines: the adjacent-line prefetcher pairs them), so threads on
/// different cores never write the same line; a read sums the cells. One shared counter would cost
/// every pool hit a cache-line transfer between cores (~50-100 ns), more than the hit itself.
/// </summary>
internal sealed class StripedCounter
{
    private const int CellStrideLongs = 16;

    private readonly long[] _cells;
    private readonly int _mask;

    public StripedCounter()
    {
        var stripes = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 1, 64));
        _cells = new long[stripes * CellStrideLongs];
        _mask = stripes - 1;
    }

    /// <summary>Adds one (interlocked: a thread moved to another core mid-add must not lose a count).</summary>
    public void Increment() => Interlocked.Increment(ref _cells[(Thread.GetCurrentProcessorId() & _mask) * CellStrideLongs]);

    /// <summary>The sum of the cells (a moment's view while others add).</summary>
    public long Read()
    {
        long sum = 0;
        for (var i = 0; i < _cells.Length; i += CellStrideLongs)
        {
            sum += Volatile.Read(ref _cells[i]);
        }

        return sum;
    }
}
