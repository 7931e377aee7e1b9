using System.Collections.Concurrent;
using FastS3.Common.Errors;
using FastS3.Storage;
using FsCheck.Xunit;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>
/// Power cuts at random points: concurrent writers (each sequential over its own keys) run on
/// the fault device; after WAL flushes a crash image is taken (flushed bytes survive, plus with
/// tearing a random half of the unflushed sectors). Every image must reopen, and each writer's
/// keys must equal its model after exactly j operations, for some j between the count
/// acknowledged before the image was taken and one more than the count acknowledged after it
/// (operations started meanwhile may have reached the disk): every acknowledged write survives
/// with exact bytes, and nothing is half-visible.
/// </summary>
public sealed class CrashTests
{
    private const int MaxImagesPerRun = 24;

    [Fact]
    public Task Crash_images_keep_every_acknowledged_write() => RunAsync(seed: 11, tear: false, writers: 4, opsPerWriter: 25, checkpointEveryMs: 0);

    [Fact]
    public Task Torn_crash_images_keep_every_acknowledged_write_with_checkpoints_running() => RunAsync(seed: 12, tear: true, writers: 4, opsPerWriter: 25, checkpointEveryMs: 5);

    /// <summary>The compactor copies, commits relocations, checkpoints and releases segments while writers run and images are taken.</summary>
    [Theory]
    [InlineData(13, false)]
    [InlineData(14, true)]
    public Task Crash_images_keep_every_acknowledged_write_while_compaction_runs(int seed, bool tear) =>
        RunAsync(seed, tear, writers: 4, opsPerWriter: 30, checkpointEveryMs: 7, compactEveryMs: 3);

    [Property(MaxTest = 5)]
    public void Random_crash_workloads(int seed)
    {
        var random = new Random(seed);
        var writers = random.Next(1, 6);
        var ops = random.Next(5, 30);
        var tear = random.Next(2) == 0;
        var checkpointMs = random.Next(3) == 0 ? 0 : random.Next(1, 20);
        try
        {
            RunAsync(seed, tear, writers, ops, checkpointMs).GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException($"crash test failed with seed {seed} (writers {writers}, ops {ops}, tear {tear}, checkpoint {checkpointMs} ms): {exception.Message}", exception);
        }
    }

    private static async Task RunAsync(int seed, bool tear, int writers, int opsPerWriter, int checkpointEveryMs, int compactEveryMs = 0)
    {
        var disk = new SimulatedDisk();
        var options = new EngineOptions
        {
            SegmentSizeBytes = SmallSegmentBytes,
            ChunkSizeBytes = 8 << 10,
            CheckpointInterval = checkpointEveryMs == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(checkpointEveryMs),
            CompactionInterval = compactEveryMs == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(compactEveryMs),
            CompactionLiveFraction = 0.9, // aggressive: most passes find work
        };
        EngineObjectStore? running = null;

        // Each writer's script: the model of its keys after each operation.
        var scripts = Enumerable.Range(0, writers).Select(w => Script(new Random(HashCode.Combine(seed, w)), w, opsPerWriter)).ToArray();
        var acked = new int[writers];
        var images = new ConcurrentQueue<(SimulatedDisk Image, int[] AckedBefore, int[] AckedAfter)>();
        var imageRandom = new Random(seed);
        var imageEvery = 1 + (writers * opsPerWriter * 3 / MaxImagesPerRun);
        var flushes = 0;

        await using (var store = disk.Open(options))
        {
            running = store;
            await CreateBucketAsync(store, "b");
            disk.Device.AfterFlush = _ =>
            {
                if (Interlocked.Increment(ref flushes) % imageEvery != 0 || images.Count >= MaxImagesPerRun)
                {
                    return;
                }

                // Acknowledged counts before the image, and again after it. The hook may run on any
                // thread that flushes (a writer rolling a segment flushes its new header), so other
                // flushes and acknowledgements can happen while the image is taken; and with tearing,
                // records appended but never flushed may survive. What a power cut may leave is
                // therefore any prefix from "acknowledged before" to "started by the end" (a writer
                // starts its next operation only after the previous one was acknowledged).
                var ackedBefore = ReadCounts(acked);
                Random? rng;
                lock (imageRandom)
                {
                    rng = tear ? new Random(imageRandom.Next()) : null;
                }

                var image = disk.CrashCopy(rng);
                images.Enqueue((image, ackedBefore, ReadCounts(acked)));
            };

            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                foreach (var op in scripts[w].Ops)
                {
                    await op(store);
                    Interlocked.Increment(ref acked[w]);
                }
            })));
            disk.Device.AfterFlush = null;
        }

        Assert.NotEmpty(images);
        if (compactEveryMs > 0)
        {
            Assert.True(running!.Compaction.SegmentsReleased > 0, "the compactor released nothing: the test would not cover it");
        }

        int[] all = [.. scripts.Select(s => s.Ops.Count)];
        images.Enqueue((disk.CrashCopy(), all, all)); // after a clean close too
        foreach (var (image, ackedBefore, ackedAfter) in images)
        {
            await using var reopened = image.Open(options);
            var state = await KeysAsync(reopened);
            for (var w = 0; w < writers; w++)
            {
                var mine = state.Where(p => p.Key.StartsWith($"w{w}/", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value);
                var low = ackedBefore[w];
                var high = Math.Min(ackedAfter[w] + 1, scripts[w].Ops.Count);
                var matches = Enumerable.Range(low, high - low + 1).Any(j => Same(scripts[w].ModelAfter[j], mine));
                Assert.True(matches, $"writer {w}: {low} operations acknowledged before the image and at most {high} started by its end, but the recovered keys [{string.Join(", ", mine.Keys)}] match none of those states; {Describe(scripts[w].ModelAfter, mine)}");
            }

            // The reopened store accepts writes again.
            Assert.True((await PutAsync(reopened, "b", "after-crash", Body(1, 10_000))).IsSuccess);
        }
    }

    private static int[] ReadCounts(int[] counts)
    {
        var copy = new int[counts.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref counts[i]);
        }

        return copy;
    }

    /// <summary>For a failure message: which model states (after i operations) the recovered keys differ from, and how.</summary>
    private static string Describe(List<Dictionary<string, byte[]>> models, Dictionary<string, byte[]> actual)
    {
        string Diff(Dictionary<string, byte[]> expected) => string.Join(" ", expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal).Select(key =>
            !expected.TryGetValue(key, out var e) ? $"{key}:extra"
            : !actual.TryGetValue(key, out var a) ? $"{key}:missing"
            : e.AsSpan().SequenceEqual(a) ? $"{key}:ok" : $"{key}:bytes({e.Length} vs {a.Length})"));
        var matching = Enumerable.Range(0, models.Count).Where(i => Same(models[i], actual)).ToList();
        return $"matches states [{string.Join(",", matching)}] of {models.Count - 1}; " + string.Join(" | ", Enumerable.Range(0, models.Count).Select(i => $"{i}: {Diff(models[i])}"));
    }

    private static bool Same(Dictionary<string, byte[]> expected, Dictionary<string, byte[]> actual) =>
        expected.Count == actual.Count && expected.All(p => actual.TryGetValue(p.Key, out var bytes) && bytes.AsSpan().SequenceEqual(p.Value));

    private static async Task<Dictionary<string, byte[]>> KeysAsync(IObjectStore store)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var listed in store.ListObjects("b", new ListRequest("", null, null, 10_000)).Value!.Objects)
        {
            result[listed.Key] = (await GetBytesAsync(store, "b", listed.Key))!;
        }

        return result;
    }

    /// <summary>A writer's operations over keys w{n}/0..3 and the model after each (ModelAfter[i] = after i operations).</summary>
    private static (List<Func<IObjectStore, Task>> Ops, List<Dictionary<string, byte[]>> ModelAfter) Script(Random random, int writer, int count)
    {
        var ops = new List<Func<IObjectStore, Task>>();
        var models = new List<Dictionary<string, byte[]>> { new(StringComparer.Ordinal) };
        for (var i = 0; i < count; i++)
        {
            var model = new Dictionary<string, byte[]>(models[^1], StringComparer.Ordinal);
            var key = $"w{writer}/{random.Next(4)}";
            switch (random.Next(10))
            {
                case < 6:
                    {
                        var body = Body(random.Next(), random.Next(0, 40_000));
                        model[key] = body;
                        ops.Add(async store => Assert.True((await PutAsync(store, "b", key, body)).IsSuccess));
                        break;
                    }

                case < 8:
                    model.Remove(key);
                    ops.Add(async store => Assert.True((await store.DeleteObjectAsync("b", key, default)).IsSuccess));
                    break;

                default:
                    {
                        var p1 = Body(random.Next(), random.Next(1, 20_000));
                        var p2 = Body(random.Next(), random.Next(1, 20_000));
                        model[key] = [.. p1, .. p2];
                        ops.Add(async store =>
                        {
                            var upload = store.CreateMultipartUpload("b", Info(key, []), null, false);
                            Assert.True(upload.IsSuccess, $"{upload.Error}");
                            Assert.True((await PutPartAsync(store, "b", key, upload.Value!.UploadId, 1, p1)).IsSuccess);
                            Assert.True((await PutPartAsync(store, "b", key, upload.Value!.UploadId, 2, p2)).IsSuccess);
                            var completed = await store.CompleteMultipartUploadAsync("b", key, upload.Value!.UploadId, [new(1, ETagOf(p1)), new(2, ETagOf(p2))], Info(key, []), default, default);
                            Assert.Equal(S3ErrorCode.None, completed.Error);
                        });
                        break;
                    }
            }

            models.Add(model);
        }

        return (ops, models);
    }
}
