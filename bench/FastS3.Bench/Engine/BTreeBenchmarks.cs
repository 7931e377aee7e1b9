using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastS3.Engine.Index;

namespace FastS3.Bench.Engine;

/// <summary>
/// The B+tree index on a 1M-key tree (<see cref="BenchTree"/>: keys like
/// <c>bucket/photos/2026/12/obj-0123456.jpg</c>, 64-byte values, about the size of a small
/// serialized object entry), in a page file on disk, with a buffer pool bigger than the tree and
/// one about a sixth of it (every lookup then pins a page or two that must be read back from the
/// file, i.e. the OS page cache here). Point lookups (on one thread and on two at once, as GETs
/// on a 2-core server) and one ListObjects page (seek + 1000 keys and values) on a held snapshot.
/// <c>dotnet run -c Release --project bench/FastS3.Bench -- --filter '*BTreeBenchmarks*' --job short --inProcess</c>
/// </summary>
[MemoryDiagnoser]
public class BTreeBenchmarks
{
    private const int LookupsPerInvoke = 1000;
    private const int ListPageKeys = 1000;

    private readonly ArrayBufferWriter<byte>[] _values = [new(256), new(256)];
    private readonly int[] _next = new int[2 * 16]; // one slot per thread, 64 bytes apart
    private byte[][] _probes = [];
    private BTree _tree = null!;
    private BTreeSnapshot _snapshot = null!;
    private BTreeCursor _cursor = null!;
    private SecondThread _second = null!;
    private Action<int> _lookups = null!;

    /// <summary>Buffer pool size in MiB: 256 holds the whole tree (~140 MiB of pages), 16 does not.</summary>
    [Params(256, 16)]
    public int PoolMiB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tree = BenchTree.Open(PoolMiB);
        _snapshot = _tree.AcquireSnapshot();
        _cursor = _snapshot.Seek([]); // reused by every list page, as a connection would
        _probes = BenchTree.Probes(4096);
        _second = new SecondThread();
        _lookups = thread => Lookups(thread);

        // Warm the pool (and the OS page cache) with one pass over the probes.
        foreach (var probe in _probes)
        {
            _values[0].ResetWrittenCount();
            _snapshot.TryGet(probe, _values[0]);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var statistics = _tree.PoolStatistics;
        Console.WriteLine($"// pool {PoolMiB} MiB: hits {statistics.Hits}, misses {statistics.Misses}, evictions {statistics.Evictions}");
        _second.Dispose();
        _snapshot.Dispose();
        _tree.Dispose();
    }

    /// <summary>Per lookup: one key found and its value copied out.</summary>
    [Benchmark(OperationsPerInvoke = LookupsPerInvoke)]
    public int PointLookup() => Lookups(0);

    /// <summary>Per lookup, two threads looking up at once (time per lookup of the pair: half the wall time of 2 x 1000).</summary>
    [Benchmark(OperationsPerInvoke = 2 * LookupsPerInvoke)]
    public void PointLookupTwoThreads() => _second.Run(_lookups);

    /// <summary>One list page: seek to a random key with a reused cursor, read 1000 keys and values in order.</summary>
    [Benchmark]
    public int ListPage()
    {
        var cursor = _snapshot.Seek(_probes[_next[0]++ & (_probes.Length - 1)], _cursor);
        var bytes = 0;
        for (var i = 0; i < ListPageKeys && cursor.MoveNext(); i++)
        {
            bytes += cursor.Key.Length + cursor.Value.Length;
        }

        return bytes;
    }

    private int Lookups(int thread)
    {
        var value = _values[thread];
        ref var next = ref _next[thread * 16];
        var found = 0;
        for (var i = 0; i < LookupsPerInvoke; i++)
        {
            value.ResetWrittenCount();
            if (_snapshot.TryGet(_probes[(next++ + (thread * 2048)) & (_probes.Length - 1)], value))
            {
                found += value.WrittenCount;
            }
        }

        return found;
    }
}
