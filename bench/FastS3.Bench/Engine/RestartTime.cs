using System.Diagnostics;
using System.Globalization;
using FastS3.Engine;
using FastS3.Wal;

namespace FastS3.Bench.Engine;

/// <summary>
/// Restart time against data size with the same distance from the last checkpoint: write N GiB,
/// checkpoint, write a fixed 128 MiB tail, stop without a closing checkpoint (as a crash would),
/// drop the page cache when permitted, and time the open (log recovery + index rebuild) with
/// sealed segments verified in the background (default) and during open (the old way).
/// Not a BenchmarkDotNet benchmark: each point is one long, stateful run.
/// Usage: <c>dotnet run -c Release --project bench/FastS3.Bench -- restart [--gib 1,10] [--root DIR] [--log on]</c>.
/// </summary>
internal static class RestartTime
{
    private const int ObjectBytes = 4 << 20;
    private const int Writers = 4;
    private const long TailBytes = 128L << 20;

    public static int Run(string[] args)
    {
        var sizes = new[] { 1, 10 };
        var root = Path.GetTempPath();
        if (!EngineBench.ParseOptions(args, new Dictionary<string, Action<string>>
        {
            ["--gib"] = v => sizes = v.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            ["--root"] = v => root = v,
            ["--log"] = v => s_log = v == "on",
        }))
        {
            return 2;
        }

        Console.WriteLine("| data | write (fsync) | open, background verification | log bytes walked at open | replayed | scrub (background) | open, verification during open |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var gib in sizes)
        {
            EngineBench.InTempFolder(root, "restart", directory => MeasureAsync(directory, gib));
        }

        Console.WriteLine(DropCaches() ? "(page cache dropped before each open)" : "(page cache NOT dropped: no permission; opens read a warm cache)");
        return 0;
    }

    private static bool s_log;

    private static EngineOptions Options(SealedVerification verification) => new()
    {
        Log = s_log ? line => Console.WriteLine("    " + line) : null,
        CheckpointInterval = TimeSpan.Zero,
        CompactionInterval = TimeSpan.Zero,
        CheckpointOnClose = false,
        SealedVerification = verification,
    };

    private static async Task MeasureAsync(string directory, int gib)
    {
        var body = new byte[ObjectBytes];
        new Random(gib).NextBytes(body);
        var write = Stopwatch.StartNew();
        await using (var store = EngineObjectStore.Open(directory, Options(SealedVerification.Background)))
        {
            await store.CreateBucketAsync("b", CancellationToken.None);
            var objects = (int)((long)gib * (1L << 30) / ObjectBytes);
            await WriteAsync(store, "data", objects, body);
            if (!store.Checkpoint())
            {
                throw new InvalidOperationException("no checkpoint written");
            }

            await WriteAsync(store, "tail", (int)(TailBytes / ObjectBytes), body);
        }

        write.Stop();
        var background = await OpenAsync(directory, SealedVerification.Background);
        var eager = await OpenAsync(directory, SealedVerification.OnOpen);
        Console.WriteLine($"| {gib} GiB | {write.Elapsed.TotalSeconds:F1} s ({gib * 1024 / write.Elapsed.TotalSeconds:F0} MiB/s) | {background.Open.TotalMilliseconds:F0} ms | {background.Walked >> 20} MiB | {background.Replayed >> 20} MiB | {background.Scrub.TotalSeconds:F1} s | {eager.Open.TotalMilliseconds:F0} ms |");
    }

    private static async Task<(TimeSpan Open, long Walked, long Replayed, TimeSpan Scrub)> OpenAsync(string directory, SealedVerification verification)
    {
        DropCaches();
        var open = Stopwatch.StartNew();
        await using var store = EngineObjectStore.Open(directory, Options(verification));
        open.Stop();
        var scrub = Stopwatch.StartNew();
        await store.LogScrub.Completion;
        scrub.Stop();
        if (store.LogScrub.Corrupt.Count != 0)
        {
            throw new InvalidDataException("the scrub found corruption in a freshly written log");
        }

        return (open.Elapsed, store.LogRecovery.BytesScanned, store.Recovery.BytesReplayed, scrub.Elapsed);
    }

    private static async Task WriteAsync(EngineObjectStore store, string prefix, int objects, byte[] body)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var n = Interlocked.Increment(ref next); n < objects; n = Interlocked.Increment(ref next))
            {
                await EngineBench.PutAsync(store, $"{prefix}/{n}", body);
            }
        })));
    }

    /// <summary>Writes dirty pages back and drops the page cache (root only), so an open reads from the disk.</summary>
    private static bool DropCaches()
    {
        try
        {
            using (var sync = Process.Start("sync"))
            {
                sync?.WaitForExit();
            }

            File.WriteAllText("/proc/sys/vm/drop_caches", "3");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
