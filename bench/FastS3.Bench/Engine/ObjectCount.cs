using System.Diagnostics;
using System.Globalization;
using FastS3.Engine;
using FastS3.Storage;

namespace FastS3.Bench.Engine;

/// <summary>
/// Many small objects through a buffer pool far smaller than the index: PUT rate with 64 writers,
/// the index's size on disk against the pool, the checkpoint's size and time, the restart, and
/// then point lookups (HEAD-like GetObject of random keys, hit rate of the pool) and a full
/// listing, with the process's peak working set. Shows that the object count is bounded by the
/// disk, not by memory. Usage:
/// <c>dotnet run -c Release --project bench/FastS3.Bench -- objects [--count 1000000] [--pool-mib 8] [--root DIR]</c>.
/// </summary>
internal static class ObjectCount
{
    private const int Writers = 64;
    private const int BodyBytes = 100;

    public static int Run(string[] args)
    {
        var count = 1_000_000;
        var poolMib = 8;
        var root = Path.GetTempPath();
        if (!EngineBench.ParseOptions(args, new Dictionary<string, Action<string>>
        {
            ["--count"] = v => count = int.Parse(v, CultureInfo.InvariantCulture),
            ["--pool-mib"] = v => poolMib = int.Parse(v, CultureInfo.InvariantCulture),
            ["--root"] = v => root = v,
        }))
        {
            return 2;
        }

        EngineBench.InTempFolder(root, "objects", directory => RunAsync(directory, count, poolMib));
        return 0;
    }

    private static string KeyOf(int i) => $"tenant-{i % 97:D2}/2026/12/{i:D9}.json";

    private static async Task RunAsync(string directory, int count, int poolMib)
    {
        var options = new EngineOptions
        {
            IndexBufferPoolBytes = (long)poolMib << 20,
            CheckpointInterval = TimeSpan.FromSeconds(30),
            CheckpointOnClose = true,
        };
        var body = new byte[BodyBytes];
        new Random(1).NextBytes(body);
        Console.WriteLine($"objects: {count:N0} objects of {BodyBytes} B, {Writers} writers, index buffer pool {poolMib} MiB, {Environment.ProcessorCount} cores");

        var put = Stopwatch.StartNew();
        await using (var store = EngineObjectStore.Open(directory, options))
        {
            await store.CreateBucketAsync("b", CancellationToken.None);
            var next = -1;
            var progress = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    await EngineBench.PutAsync(store, KeyOf(i), body);
                    if (i % 100_000 == 0 && i > 0)
                    {
                        Console.WriteLine($"  {i:N0} put, {i / progress.Elapsed.TotalSeconds:N0}/s");
                    }
                }
            })));
            put.Stop();
            Console.WriteLine($"put:        {count / put.Elapsed.TotalSeconds:N0} PUT/s ({put.Elapsed.TotalSeconds:F1} s)");

            var checkpoint = Stopwatch.StartNew();
            store.Checkpoint();
            checkpoint.Stop();
            var indexBytes = new FileInfo(Path.Combine(directory, "index", "index.pages")).Length;
            var checkpointBytes = new FileInfo(Path.Combine(directory, "checkpoint", "index.ckpt")).Length;
            Console.WriteLine($"index:      {indexBytes / (1 << 20):N0} MiB of pages on disk for a {poolMib} MiB pool ({(double)indexBytes / ((long)poolMib << 20):F1}x); {store.GetStatistics().IndexObjects:N0} objects");
            Console.WriteLine($"checkpoint: {checkpointBytes:N0} B written in {checkpoint.Elapsed.TotalMilliseconds:F0} ms");
        }

        var reopen = Stopwatch.StartNew();
        await using (var store = EngineObjectStore.Open(directory, options))
        {
            reopen.Stop();
            Console.WriteLine($"restart:    {reopen.Elapsed.TotalMilliseconds:F0} ms ({store.Recovery.CommitRecordsApplied:N0} commits replayed)");

            var random = new Random(2);
            const int Lookups = 200_000;
            var before = store.GetStatistics();
            var lookups = Stopwatch.StartNew();
            for (var n = 0; n < Lookups; n++)
            {
                if (!store.GetObject("b", KeyOf(random.Next(count))).IsSuccess)
                {
                    throw new InvalidOperationException("a stored object was not found");
                }
            }

            lookups.Stop();
            var after = store.GetStatistics();
            var hits = after.IndexPoolHits - before.IndexPoolHits;
            var misses = after.IndexPoolMisses - before.IndexPoolMisses;
            Console.WriteLine($"lookups:    {Lookups / lookups.Elapsed.TotalSeconds:N0}/s random keys, one thread; pool hit rate {100.0 * hits / Math.Max(1, hits + misses):F1}% ({misses:N0} page reads)");

            var listed = 0L;
            var list = Stopwatch.StartNew();
            string? after2 = null;
            do
            {
                var page = store.ListObjects("b", new ListRequest(string.Empty, null, after2, 1000)).Value!;
                listed += page.Objects.Count;
                after2 = page.IsTruncated ? page.NextStartAfter : null;
            }
            while (after2 is not null);

            list.Stop();
            Console.WriteLine($"list:       {listed:N0} keys in pages of 1,000 in {list.Elapsed.TotalSeconds:F1} s ({listed / list.Elapsed.TotalSeconds:N0} keys/s)");
            var rooted = store.ListObjects("b", new ListRequest(string.Empty, "/", null, 1000)).Value!;
            Console.WriteLine($"delimited:  {rooted.CommonPrefixes.Count} common prefixes at the root");
            Console.WriteLine($"managed heap with the store open: {GC.GetTotalMemory(forceFullCollection: true) / (1 << 20):N0} MiB (decode cache of {options.ObjectCacheEntries:N0} entries included)");
        }

        using var self = Process.GetCurrentProcess();
        GC.Collect();
        Console.WriteLine($"peak working set: {self.PeakWorkingSet64 / (1 << 20):N0} MiB (with the log's mapped, file-backed pages); managed heap after the run {GC.GetTotalMemory(forceFullCollection: true) / (1 << 20):N0} MiB");
    }
}
