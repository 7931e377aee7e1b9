using BenchmarkDotNet.Attributes;
using FastS3.Engine.Paging;

namespace FastS3.Bench.Engine;

/// <summary>
/// The buffer pool's hit path alone: Pin + Unpin of resident pages (64 pages in a 128-frame pool on
/// the in-memory device, so no I/O), on one thread and on two at once over the same pages (as
/// concurrent lookups share the root and upper branches). The B+tree lookups on top of it, with
/// misses too, are in <see cref="BTreeBenchmarks"/>.
/// <c>dotnet run -c Release --project bench/FastS3.Bench -- --filter '*BufferPoolBenchmarks*' --job short --inProcess</c>
/// </summary>
[MemoryDiagnoser]
public class BufferPoolBenchmarks
{
    private const int Pages = 64;
    private const int PinsPerInvoke = 1000;

    private BufferPool _pool = null!;
    private SecondThread _second = null!;
    private Action<int> _pins = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pool = new BufferPool(new PageFile(new FaultInjectingPageDevice()), 2 * Pages * PageFile.PageSizeBytes);
        for (ulong page = 1; page <= Pages; page++)
        {
            using var handle = _pool.Create(page);
            PageHeader.Initialize(handle.Span, PageType.Leaf, page, 1);
        }

        _second = new SecondThread();
        _pins = thread => Pins(thread);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _second.Dispose();
        _pool.Dispose();
    }

    /// <summary>Per Pin + Unpin of a resident page, one thread.</summary>
    [Benchmark(OperationsPerInvoke = PinsPerInvoke)]
    public int PinUnpinHit() => Pins(0);

    /// <summary>Per Pin + Unpin, two threads pinning the same 64 pages at once (time per pin of the pair).</summary>
    [Benchmark(OperationsPerInvoke = 2 * PinsPerInvoke)]
    public void PinUnpinHitTwoThreads() => _second.Run(_pins);

    private int Pins(int thread)
    {
        var sum = 0;
        for (var i = 0; i < PinsPerInvoke; i++)
        {
            using var page = _pool.Pin((ulong)(((i * 7) + thread) & (Pages - 1)) + 1, PageType.Leaf);
            sum += page.Span[PageHeader.Size - 1];
        }

        return sum;
    }
}
