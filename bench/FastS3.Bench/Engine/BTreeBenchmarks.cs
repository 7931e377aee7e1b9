using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastS3.Engine.Index;
using FastS3.Engine.Paging;

namespace FastS3.Bench.Engine;

/// <summary>
/// The B+tree index on a 1M-key tree (keys like <c>bucket/photos/2026/12/obj-0123456.jpg</c>,
/// 64-byte values: about the size of a small serialized object entry), in a page file on disk,
/// with a buffer pool bigger than the tree and one about a sixth of it (every lookup then pins
/// a page or two that must be read back from the file, i.e. the OS page cache here).
/// Point lookup and one ListObjects page (seek + 1000 keys and values) on a held snapshot.
/// <c>dotnet run -c Release --project bench/FastS3.Bench -- --filter '*BTreeBenchmarks*' --job short --inProcess</c>
/// </summary>
[MemoryDiagnoser]
public class BTreeBenchmarks
{
    private const int Keys = 1_000_000;
    private const int LookupsPerInvoke = 1000;
    private const int ListPageKeys = 1000;

    private static readonly Lazy<string> BuiltTree = new(Build);

    private readonly ArrayBufferWriter<byte> _value = new(256);
    private byte[][] _probes = [];
    private BTree _tree = null!;
    private BTreeSnapshot _snapshot = null!;
    private BTreeCursor _cursor = null!;
    private int _next;

    /// <summary>Buffer pool size in MiB: 256 holds the whole tree (~110 MiB of pages), 16 does not.</summary>
    [Params(256, 16)]
    public int PoolMiB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tree = BTree.Open(new FilePageDevice(BuiltTree.Value), (long)PoolMiB << 20);
        _snapshot = _tree.AcquireSnapshot();
        _cursor = _snapshot.Seek([]); // reused by every list page, as a connection would
        var random = new Random(42);
        _probes = [.. Enumerable.Range(0, 4096).Select(_ => KeyOf(random.Next(Keys)))];

        // Warm the pool (and the OS page cache) with one pass over the probes.
        foreach (var probe in _probes)
        {
            _value.ResetWrittenCount();
            _snapshot.TryGet(probe, _value);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var statistics = _tree.PoolStatistics;
        Console.WriteLine($"// pool {PoolMiB} MiB: hits {statistics.Hits}, misses {statistics.Misses}, evictions {statistics.Evictions}");
        _snapshot.Dispose();
        _tree.Dispose();
    }

    /// <summary>Per lookup: one key found and its value copied out.</summary>
    [Benchmark(OperationsPerInvoke = LookupsPerInvoke)]
    public int PointLookup()
    {
        var found = 0;
        for (var i = 0; i < LookupsPerInvoke; i++)
        {
            _value.ResetWrittenCount();
            if (_snapshot.TryGet(_probes[_next++ & (_probes.Length - 1)], _value))
            {
                found += _value.WrittenCount;
            }
        }

        return found;
    }

    /// <summary>One list page: seek to a random key with a reused cursor, read 1000 keys and values in order.</summary>
    [Benchmark]
    public int ListPage()
    {
        var cursor = _snapshot.Seek(_probes[_next++ & (_probes.Length - 1)], _cursor);
        var bytes = 0;
        for (var i = 0; i < ListPageKeys && cursor.MoveNext(); i++)
        {
            bytes += cursor.Key.Length + cursor.Value.Length;
        }

        return bytes;
    }

    private static byte[] KeyOf(int i) => Encoding.UTF8.GetBytes($"bucket/photos/2026/12/obj-{i:D7}.jpg");

    /// <summary>Builds the tree once per process in random key order (leaves ~70% full, as a live index), checkpointed to disk.</summary>
    private static string Build()
    {
        var directory = Path.Combine(Path.GetTempPath(), "fasts3-btree-bench-" + Environment.ProcessId);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        using var tree = BTree.Open(new FilePageDevice(directory), 512L << 20);
        var value = new byte[64];
        new Random(1).NextBytes(value);

        // i * 611953 mod 1M walks every key once in a scattered order (611953 is prime, coprime to 10^6).
        for (long i = 0; i < Keys; i++)
        {
            tree.Upsert(KeyOf((int)(i * 611_953 % Keys)), value, 1);
        }

        tree.Publish(1);
        tree.Checkpoint();
        var (pages, _) = tree.Verify();
        Console.WriteLine($"// built {Keys} keys in {pages} pages ({(long)pages * PageFile.PageSizeBytes >> 20} MiB)");
        return directory;
    }
}
