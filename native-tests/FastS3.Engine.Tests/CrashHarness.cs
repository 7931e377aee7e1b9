using FastS3.Storage;

namespace FastS3.Engine.Tests;

/// <summary>
/// The child process of <see cref="KillTests"/>: <c>dotnet FastS3.Engine.Tests.dll harness &lt;root&gt;</c>
/// opens the engine on real files with fsync durability and writes forever: object <c>k{n}</c>
/// with body Body(n), and "hot" overwritten with Body(-n), printing <c>acked n</c> after each
/// acknowledged PUT pair, until the parent kills it with SIGKILL.
/// </summary>
internal static class CrashHarness
{
    public const string Bucket = "kill";

    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] != "harness")
        {
            Console.Error.WriteLine("usage: harness <root>");
            return 2;
        }

        RunAsync(args[1]).GetAwaiter().GetResult();
        return 0;
    }

    public static int BodyLength(int n) => (n * 7919) % 150_000;

    public static EngineOptions Options() => new()
    {
        SegmentSizeBytes = 256 << 10,
        ChunkSizeBytes = 32 << 10,
        CheckpointInterval = TimeSpan.FromMilliseconds(30),
        CompactionInterval = TimeSpan.FromMilliseconds(40), // "hot" is overwritten every cycle: kills land mid-compaction too
    };

    /// <summary>The next n to write: one above the highest k{n} present (recovered or not).</summary>
    public static int NextIndex(IObjectStore store) =>
        store.ListObjects(Bucket, new ListRequest("k", null, null, 100_000)).Value!.Objects.Select(o => int.Parse(o.Key[1..])).DefaultIfEmpty(0).Max() + 1;

    private static async Task RunAsync(string root)
    {
        await using var store = EngineObjectStore.Open(root, Options());
        if (store.GetBucket(Bucket) is null)
        {
            await EngineTestSupport.CreateBucketAsync(store, Bucket);
        }

        for (var n = NextIndex(store); ; n++)
        {
            var body = EngineTestSupport.Body(n, BodyLength(n));
            if (!(await EngineTestSupport.PutAsync(store, Bucket, $"k{n}", body)).IsSuccess
                || !(await EngineTestSupport.PutAsync(store, Bucket, "hot", EngineTestSupport.Body(-n, 5_000 + (n % 100)))).IsSuccess)
            {
                Console.Error.WriteLine($"put {n} failed");
                return;
            }

            Console.Out.WriteLine($"acked {n}");
            Console.Out.Flush();
        }
    }
}
