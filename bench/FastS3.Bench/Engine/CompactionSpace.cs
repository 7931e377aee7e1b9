using System.Diagnostics;
using System.Globalization;
using FastS3.Engine;

namespace FastS3.Bench.Engine;

/// <summary>
/// Disk use under an overwrite-heavy workload: a fixed live set is overwritten again and again
/// (writing many times its size), with the compactor running in the background as in the server
/// (default threshold 0.5, a pass every second here). Reports the largest log size seen against
/// the live bytes, and the bytes compaction copied (its write amplification).
/// Usage: <c>dotnet run -c Release --project bench/FastS3.Bench -- compaction [--live-mib 256] [--written-gib 4] [--root DIR]</c>.
/// </summary>
internal static class CompactionSpace
{
    private const int ObjectBytes = 1 << 20;
    private const int Writers = 4;

    public static int Run(string[] args)
    {
        var liveMib = 256;
        var writtenGib = 4;
        var root = Path.GetTempPath();
        if (!EngineBench.ParseOptions(args, new Dictionary<string, Action<string>>
        {
            ["--live-mib"] = v => liveMib = int.Parse(v, CultureInfo.InvariantCulture),
            ["--written-gib"] = v => writtenGib = int.Parse(v, CultureInfo.InvariantCulture),
            ["--root"] = v => root = v,
        }))
        {
            return 2;
        }

        EngineBench.InTempFolder(root, "compaction", directory => RunAsync(directory, liveMib, writtenGib));
        return 0;
    }

    private static async Task RunAsync(string directory, int liveMib, int writtenGib)
    {
        var options = new EngineOptions { CompactionInterval = TimeSpan.FromSeconds(1) };
        var body = new byte[ObjectBytes];
        new Random(1).NextBytes(body);
        var keys = liveMib * (1 << 20) / ObjectBytes;
        var total = (int)((long)writtenGib * (1L << 30) / ObjectBytes);
        long maxLogBytes = 0, maxFileBytes = 0;
        var written = Stopwatch.StartNew();
        await using var store = EngineObjectStore.Open(directory, options);
        await store.CreateBucketAsync("b", CancellationToken.None);
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                maxLogBytes = Math.Max(maxLogBytes, store.GetStatistics().LogBytes);
                maxFileBytes = Math.Max(maxFileBytes, WalBytesOnDisk(directory));
                await Task.Delay(50);
            }
        });

        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w); // random overwrites: old segments stay partly live, so compaction must copy
            for (var n = Interlocked.Increment(ref next); n < total; n = Interlocked.Increment(ref next))
            {
                await EngineBench.PutAsync(store, $"k{(n < keys ? n : random.Next(keys))}", body);
            }
        })));
        written.Stop();
        store.Compact();
        await sampling.CancelAsync();
        await sampler;
        var stats = store.GetStatistics();
        var live = (double)stats.LiveBytes;
        Console.WriteLine("| live set | written | largest log (segments) | x live | largest on disk (with spare and recycled files) | log after a final pass | copied by compaction | copied / written | write rate |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        Console.WriteLine($"| {liveMib} MiB | {writtenGib} GiB | {maxLogBytes >> 20} MiB | {maxLogBytes / live:F2} | {maxFileBytes >> 20} MiB | {stats.LogBytes >> 20} MiB | {stats.CompactionBytesRelocated >> 20} MiB | {stats.CompactionBytesRelocated / ((double)writtenGib * (1L << 30)):F2} | {writtenGib * 1024 / written.Elapsed.TotalSeconds:F0} MiB/s |");
    }

    /// <summary>Bytes of segment files in the log folder (live, spare and recycled files: what the disk holds).</summary>
    private static long WalBytesOnDisk(string root)
    {
        long total = 0;
        foreach (var file in new DirectoryInfo(EngineObjectStore.WalDirectoryOf(root)).EnumerateFiles())
        {
            try
            {
                total += file.Length;
            }
            catch (FileNotFoundException)
            {
                // released or recycled while we looked
            }
        }

        return total;
    }
}
