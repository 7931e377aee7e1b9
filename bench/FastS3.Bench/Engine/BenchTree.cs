using System.Text;
using FastS3.Engine.Index;
using FastS3.Engine.Paging;

namespace FastS3.Bench.Engine;

/// <summary>
/// The 1M-key tree the index benchmarks read (keys like <c>bucket/photos/2026/12/obj-0123456.jpg</c>,
/// 64-byte values), built once per process in a page file on disk and shared by every benchmark
/// class that runs in it.
/// </summary>
internal static class BenchTree
{
    public const int Keys = 1_000_000;

    private static readonly Lazy<string> Built = new(Build);

    /// <summary>The folder of the built tree's page file (built on first use).</summary>
    public static string Directory => Built.Value;

    /// <summary>Opens the built tree with a pool of <paramref name="poolMiB"/> MiB.</summary>
    public static BTree Open(int poolMiB) => BTree.Open(new FilePageDevice(Directory), (long)poolMiB << 20);

    /// <summary><paramref name="count"/> existing keys in a seeded random order.</summary>
    public static byte[][] Probes(int count)
    {
        var random = new Random(42);
        return [.. Enumerable.Range(0, count).Select(_ => KeyOf(random.Next(Keys)))];
    }

    private static byte[] KeyOf(int i) => Encoding.UTF8.GetBytes($"bucket/photos/2026/12/obj-{i:D7}.jpg");

    /// <summary>Builds the tree in random key order (leaves ~70% full, as a live index), checkpointed to disk.</summary>
    private static string Build()
    {
        var directory = Path.Combine(Path.GetTempPath(), "fasts3-btree-bench-" + Environment.ProcessId);
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(directory, recursive: true);
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
