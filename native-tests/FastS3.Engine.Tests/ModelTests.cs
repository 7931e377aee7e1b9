using FastS3.Common.Errors;
using FastS3.Storage;
using FsCheck.Xunit;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>
/// Model-based: random sequences of put / overwrite / delete / multipart / list / restart / crash
/// against a dictionary. After every step the engine holds exactly the model's keys with the
/// model's bytes. A failure names its seed; rerun it with <see cref="Replays_a_seed"/>.
/// </summary>
public sealed class ModelTests
{
    private const int StepsPerRun = 45;
    private static readonly string[] Keys = ["a", "a/b", "a/c", "b", "dir/x", "dir/y/z", "é", "z"];

    [Property(MaxTest = 30)]
    public void Engine_equals_the_model_after_every_step(int seed)
    {
        try
        {
            RunAsync(seed).GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException($"model test failed with seed {seed}: {exception.Message}", exception);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20261125)]
    public Task Replays_a_seed(int seed) => RunAsync(seed);

    private static async Task RunAsync(int seed)
    {
        var random = new Random(seed);
        var disk = new SimulatedDisk();
        var options = new EngineOptions
        {
            SegmentSizeBytes = SmallSegmentBytes,
            ChunkSizeBytes = random.Next(2) == 0 ? 4096 : 16 << 10,
            CheckpointInterval = TimeSpan.Zero,
            CheckpointOnClose = random.Next(2) == 0,
            CompactionInterval = TimeSpan.Zero, // compaction runs as a step of the model
        };
        var model = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var store = disk.Open(options);
        var log = new List<string>();
        try
        {
            await CreateBucketAsync(store, "b");
            for (var step = 0; step < StepsPerRun; step++)
            {
                var key = Keys[random.Next(Keys.Length)];
                var roll = random.Next(100);
                switch (roll)
                {
                    case < 40:
                        {
                            var body = Body(random.Next(), RandomSize(random));
                            log.Add($"put {key} {body.Length}");
                            Assert.True((await PutAsync(store, "b", key, body, writeBytes: random.Next(1, 20_000))).IsSuccess);
                            model[key] = body;
                            break;
                        }

                    case < 50:
                        {
                            log.Add($"abandoned put {key}");
                            var writer = store.BeginPut("b", key).Value!;
                            await writer.WriteAsync(Body(random.Next(), RandomSize(random)), default);
                            await writer.DisposeAsync();
                            break;
                        }

                    case < 62:
                        log.Add($"delete {key}");
                        Assert.True((await store.DeleteObjectAsync("b", key, default)).IsSuccess);
                        model.Remove(key);
                        break;

                    case < 75:
                        {
                            var parts = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Body(random.Next(), RandomSize(random))).ToArray();
                            var outcome = random.Next(3); // complete, abort, leave open
                            log.Add($"multipart {key} parts {string.Join('+', parts.Select(p => p.Length))} outcome {outcome}");
                            var upload = store.CreateMultipartUpload("b", Info(key, []), null, false).Value!;
                            for (var i = 0; i < parts.Length; i++)
                            {
                                Assert.True((await PutPartAsync(store, "b", key, upload.UploadId, i + 1, parts[i])).IsSuccess);
                            }

                            if (outcome == 0)
                            {
                                var completed = await store.CompleteMultipartUploadAsync("b", key, upload.UploadId, [.. parts.Select((p, i) => new CompletedPart(i + 1, ETagOf(p)))], Info(key, []) with { ETag = $"\"m-{parts.Length}\"" }, default, default);
                                Assert.True(completed.IsSuccess);
                                model[key] = [.. parts.SelectMany(p => p)];
                            }
                            else if (outcome == 1)
                            {
                                Assert.True((await store.AbortMultipartUploadAsync("b", key, upload.UploadId, default)).IsSuccess);
                            }

                            break;
                        }

                    case < 82:
                        {
                            var prefix = random.Next(3) switch { 0 => "", 1 => "a", _ => "dir/" };
                            var pageSize = random.Next(1, 4);
                            log.Add($"list {prefix} / {pageSize}");
                            var expected = model.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(Utf8KeyComparer.Instance).ToList();
                            var listed = new List<string>();
                            string? start = null;
                            while (true)
                            {
                                var page = store.ListObjects("b", new ListRequest(prefix, null, start, pageSize)).Value!;
                                listed.AddRange(page.Objects.Select(o => o.Key));
                                if (!page.IsTruncated)
                                {
                                    break;
                                }

                                start = page.NextStartAfter;
                            }

                            Assert.Equal(expected, listed);
                            break;
                        }

                    case < 84:
                        log.Add("checkpoint");
                        store.Checkpoint();
                        break;

                    case < 88:
                        {
                            // A reader takes a version before compaction moves it; its read afterwards still sees the same bytes.
                            var force = random.Next(2) == 0;
                            var held = model.ContainsKey(key) ? store.GetObject("b", key).Value : null;
                            var result = store.Compact(force);
                            log.Add($"compact force={force}: {result.Outcome}, {result.SegmentsReleased} released, {result.ExtentsRelocated} moved");
                            Assert.NotEqual(CompactionOutcome.Failed, result.Outcome);
                            if (held is not null)
                            {
                                Assert.Equal(model[key], await ReadAllAsync(held.Content));
                            }

                            break;
                        }

                    case < 94:
                        log.Add("restart");
                        await store.DisposeAsync();
                        store = disk.Open(options);
                        break;

                    default:
                        {
                            // Power cut with nothing in flight: every acknowledged write is durable.
                            log.Add("crash");
                            var image = disk.CrashCopy(new Random(random.Next()));
                            await store.DisposeAsync();
                            disk = image;
                            store = disk.Open(options);
                            break;
                        }
                }

                await AssertMatchesAsync(store, model, deep: roll >= 88);
            }

            await store.DisposeAsync();
            store = disk.Open(options);
            await AssertMatchesAsync(store, model, deep: true);
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException($"after steps: {string.Join("; ", log)}: {exception.Message}", exception);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    /// <summary>Mostly small bodies; sometimes several chunks and segments; sometimes empty.</summary>
    private static int RandomSize(Random random) => random.Next(10) switch
    {
        0 => 0,
        < 7 => random.Next(1, 5_000),
        _ => random.Next(5_000, 150_000),
    };

    private static async Task AssertMatchesAsync(EngineObjectStore store, Dictionary<string, byte[]> model, bool deep)
    {
        var listed = store.ListObjects("b", new ListRequest("", null, null, 1000)).Value!.Objects;
        Assert.Equal(model.Keys.Order(Utf8KeyComparer.Instance), listed.Select(o => o.Key));
        foreach (var (key, bytes) in model)
        {
            var got = store.GetObject("b", key);
            Assert.True(got.IsSuccess, $"{key}: {got.Error}");
            Assert.Equal(bytes.Length, got.Value!.Content.Length);
            if (deep || bytes.Length < 10_000)
            {
                Assert.Equal(bytes, await ReadAllAsync(got.Value.Content));
            }
        }

        foreach (var key in Keys.Where(k => !model.ContainsKey(k)))
        {
            Assert.Equal(S3ErrorCode.NoSuchKey, store.GetObject("b", key).Error);
        }
    }
}
