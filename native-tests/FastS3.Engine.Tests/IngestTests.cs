using System.Collections.Concurrent;
using FastS3.Common.Errors;
using FastS3.Storage;
using FastS3.Wal;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>
/// External LSN mode: an orchestrator's entries are durable when ingested, visible only once its
/// low-water mark passes them, undone when it truncates them, and all of it survives a crash.
/// </summary>
public sealed class IngestTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static EngineOptions External(ISealedSegmentSink? sink = null, bool checkpointOnClose = true) => new()
    {
        LsnMode = WalLsnMode.External,
        SegmentSizeBytes = SmallSegmentBytes,
        CheckpointInterval = TimeSpan.Zero,
        CheckpointOnClose = checkpointOnClose,
        CompactionInterval = TimeSpan.Zero,
        ChunkSizeBytes = 16 << 10,
        IndexBufferPoolBytes = IndexPoolBytes,
        ObjectCacheEntries = 64,
        SealedSegmentSink = sink,
    };

    [Fact]
    public async Task Entries_become_visible_only_when_the_low_water_mark_passes_them()
    {
        var disk = new SimulatedDisk();
        await using var store = disk.Open(External());
        Ok(await store.IngestCreateBucketAsync(10, "b", Created));
        Assert.Empty(store.ListBuckets()); // durable, not committed
        Assert.Equal(10UL, store.IngestedLsn);
        Assert.Equal(1, store.PendingEntries);

        Ok(await store.AdvanceLowWaterMarkAsync(10));
        Assert.Equal(["b"], store.ListBuckets().Select(b => b.Name));
        Assert.Equal(Created, store.ListBuckets()[0].CreationDate);

        var first = Body(1, 200_000); // many chunks, several segments
        var second = Body(2, 5_000);
        Ok(await IngestPutAsync(store, 20, "b", "k", first));
        Ok(await IngestPutAsync(store, 30, "b", "k", second));
        Assert.Equal(S3ErrorCode.NoSuchKey, store.GetObject("b", "k").Error);

        var advanced = await store.AdvanceLowWaterMarkAsync(25);
        Ok(advanced);
        Assert.Equal(1, advanced.Applied);
        Assert.Equal(first, await GetBytesAsync(store, "b", "k"));
        Assert.Equal(1, store.PendingEntries);
        Assert.Equal(25UL, store.OrchestratorLowWaterMark);
        var statistics = store.GetStatistics(); // what /_metrics shows
        Assert.Equal((1, 25UL), (statistics.PendingEntries, statistics.OrchestratorLowWaterMark));
        Assert.True(statistics.LogLowWaterMark < statistics.DurableLsn); // held below the entry at 30

        Ok(await store.AdvanceLowWaterMarkAsync(30));
        Assert.Equal(second, await GetBytesAsync(store, "b", "k"));
        Assert.Equal(0, store.PendingEntries);
        Assert.Equal(second.Length, store.LiveBytesBySegment().Values.Sum()); // the first version's bytes died

        Ok(await store.IngestDeleteObjectAsync(31, "b", "k"));
        Assert.NotNull(await GetBytesAsync(store, "b", "k"));
        Ok(await store.AdvanceLowWaterMarkAsync(31));
        Assert.Equal(S3ErrorCode.NoSuchKey, store.GetObject("b", "k").Error);
    }

    [Fact]
    public async Task Multipart_entries_stitch_the_parts_the_complete_names_when_the_low_water_mark_reaches_it()
    {
        var disk = new SimulatedDisk();
        await using (var store = disk.Open(External(checkpointOnClose: false)))
        {
            Ok(await store.IngestCreateBucketAsync(1, "b", Created));
            Ok(await store.AdvanceLowWaterMarkAsync(1));
            var upload = new MultipartUpload("0000000000000000000000000000000a", "m", Created, Info("m", []), null, false);
            byte[] a = Body(20, 20_000), b = Body(21, 5_000), a2 = Body(22, 30_000);
            Ok(await store.IngestCreateUploadAsync(2, "b", upload));
            Ok(await IngestPartAsync(store, 3, "b", upload, 1, a));
            Ok(await IngestPartAsync(store, 4, "b", upload, 2, b));
            Ok(await IngestPartAsync(store, 5, "b", upload, 1, a2)); // replaces part 1
            Ok(await store.IngestCompleteUploadAsync(6, "b", "m", upload.UploadId, [new(1, ETagOf(a2)), new(2, ETagOf(b))], Info("m", [])));
            Assert.Empty(store.ListMultipartUploads("b", "").Value!);

            Ok(await store.AdvanceLowWaterMarkAsync(4));
            Assert.Equal([upload.UploadId], store.ListMultipartUploads("b", "").Value!.Select(u => u.UploadId));
            Assert.Equal([ETagOf(a), ETagOf(b)], store.ListParts("b", "m", upload.UploadId).Value!.Select(p => p.ETag));

            var completed = await store.AdvanceLowWaterMarkAsync(6);
            Ok(completed);
            Assert.Equal(2, completed.Applied);
            byte[] stitched = [.. a2, .. b];
            Assert.Equal(stitched, await GetBytesAsync(store, "b", "m"));
            Assert.Equal(35_000, store.GetObject("b", "m").Value!.Info.Size);
            Assert.Empty(store.ListMultipartUploads("b", "").Value!);
            Assert.Equal(35_000, store.LiveBytesBySegment().Values.Sum()); // the first part 1 died

            // A Complete naming a part the upload does not have is skipped, on every replica; the upload stays.
            var other = upload with { UploadId = "0000000000000000000000000000000b", Key = "n" };
            Ok(await store.IngestCreateUploadAsync(7, "b", other));
            Ok(await IngestPartAsync(store, 8, "b", other, 1, b));
            Ok(await store.IngestCompleteUploadAsync(9, "b", "n", other.UploadId, [new(1, ETagOf(a))], Info("n", [])));
            var skipped = await store.AdvanceLowWaterMarkAsync(9);
            Assert.Equal([new IngestRefusal(9, S3ErrorCode.InvalidPart)], skipped.Refused!);
            Assert.Equal([1], store.ListParts("b", "n", other.UploadId).Value!.Select(p => p.PartNumber));
            Ok(await store.IngestAbortUploadAsync(10, "b", other.UploadId));
            Ok(await store.AdvanceLowWaterMarkAsync(10));
            Assert.Empty(store.ListMultipartUploads("b", "").Value!);
            Assert.Equal(35_000, store.LiveBytesBySegment().Values.Sum());
        }

        await using (var store = disk.CrashCopy().Open(External()))
        {
            Assert.Equal(["m"], store.ListObjects("b", new ListRequest("", null, null, 10)).Value!.Objects.Select(o => o.Key));
            byte[] stitched = [.. Body(22, 30_000), .. Body(21, 5_000)];
            Assert.Equal(stitched, await GetBytesAsync(store, "b", "m"));
            Assert.Empty(store.ListMultipartUploads("b", "").Value!);
            Assert.Equal(35_000, store.LiveBytesBySegment().Values.Sum());
        }
    }

    [Fact]
    public async Task A_duplicate_or_out_of_order_lsn_and_a_bad_watermark_are_refused_and_change_nothing()
    {
        var disk = new SimulatedDisk();
        await using var store = disk.Open(External());
        Ok(await store.IngestCreateBucketAsync(5, "b", Created));
        Ok(await IngestPutAsync(store, 7, "b", "k", Body(3, 100)));
        Ok(await store.AdvanceLowWaterMarkAsync(5));
        var durable = store.DurableLsn;

        Assert.Equal(IngestStatus.LsnNotIncreasing, (await store.IngestCreateBucketAsync(7, "c", Created)).Status); // duplicate
        Assert.Equal(IngestStatus.LsnNotIncreasing, (await store.IngestDeleteBucketAsync(6, "b")).Status); // out of order
        var early = store.BeginIngestPut(3, "b", "x", out var put);
        Assert.Equal(IngestStatus.LsnNotIncreasing, early.Status); // before any byte is written
        Assert.Null(put);
        Assert.Contains("7", early.Message);

        Assert.Equal(IngestStatus.WatermarkOutOfRange, (await store.AdvanceLowWaterMarkAsync(4)).Status); // backwards
        Assert.Equal(IngestStatus.WatermarkOutOfRange, (await store.AdvanceLowWaterMarkAsync(8)).Status); // past the last entry
        Assert.Equal(IngestStatus.BelowLowWaterMark, (await store.TruncateSuffixAsync(4)).Status); // committed entries stay

        // An entry that loses a race for its LSN after its body was written: refused at commit, nothing visible.
        Assert.True(store.BeginIngestPut(9, "b", "late", out var racing).IsOk);
        Ok(await store.IngestDeleteObjectAsync(9, "b", "k"));
        Assert.True((await racing!.WriteAsync(Body(4, 50))).IsSuccess);
        Assert.Equal(IngestStatus.LsnNotIncreasing, (await racing.CommitAsync(Info("late", Body(4, 50)))).Status);

        Assert.Equal(9UL, store.IngestedLsn);
        Assert.Equal(5UL, store.OrchestratorLowWaterMark);
        Assert.Equal(2, store.PendingEntries);
        Assert.True(store.DurableLsn > durable); // only the delete at 9 and the racing body were logged
        Ok(await store.AdvanceLowWaterMarkAsync(9));
        Assert.Equal(S3ErrorCode.NoSuchKey, store.GetObject("b", "k").Error);
        Assert.Equal(S3ErrorCode.NoSuchKey, store.GetObject("b", "late").Error);
    }

    [Fact]
    public async Task A_truncated_suffix_is_undone_its_bodies_die_and_its_lsns_are_reused()
    {
        var disk = new SimulatedDisk();
        await using (var store = disk.Open(External(checkpointOnClose: false)))
        {
            Ok(await store.IngestCreateBucketAsync(1, "b", Created));
            Ok(await IngestPutAsync(store, 2, "b", "a", Body(10, 30_000)));
            Ok(await IngestPutAsync(store, 3, "b", "b", Body(11, 40_000)));
            Ok(await store.IngestDeleteObjectAsync(4, "b", "a"));
            Ok(await store.AdvanceLowWaterMarkAsync(2));
            Assert.Equal(70_000, store.LiveBytesBySegment().Values.Sum()); // a is visible, b waits: both live

            Assert.True(store.LogLowWaterMark < store.DurableLsn); // held by the entries at 3 and 4
            Ok(await store.TruncateSuffixAsync(2));
            Assert.Equal(0, store.PendingEntries);
            Assert.Equal(store.DurableLsn, store.LogLowWaterMark); // nothing uncommitted holds it any more
            Assert.Equal(2UL, store.IngestedLsn);
            Assert.Equal(30_000, store.LiveBytesBySegment().Values.Sum()); // b's body is dead

            Ok(await IngestPutAsync(store, 3, "b", "c", Body(12, 20_000))); // LSN 3 again, a new entry
            Ok(await store.AdvanceLowWaterMarkAsync(3));
            await AssertObjectsAsync(store, new() { ["a"] = Body(10, 30_000), ["c"] = Body(12, 20_000) });
        }

        // Redo from the log alone (no checkpoint) gives the same: the truncation is a logged compensation record.
        await using (var store = disk.CrashCopy().Open(External()))
        {
            Assert.Equal(0UL, store.Recovery.CheckpointAppliedLsn);
            await AssertObjectsAsync(store, new() { ["a"] = Body(10, 30_000), ["c"] = Body(12, 20_000) });
            Assert.Equal(3UL, store.IngestedLsn);
            Assert.Equal(50_000, store.LiveBytesBySegment().Values.Sum());
        }
    }

    [Fact]
    public async Task Skipped_entries_are_named_and_skipped_on_every_replay()
    {
        var disk = new SimulatedDisk();
        await using (var store = disk.Open(External(checkpointOnClose: false)))
        {
            Ok(await store.IngestCreateBucketAsync(1, "b", Created));
            Ok(await store.IngestCreateBucketAsync(2, "b", Created));         // already exists
            Ok(await IngestPutAsync(store, 3, "missing", "k", Body(1, 10))); // no such bucket
            Ok(await IngestPutAsync(store, 4, "b", "k", Body(2, 10)));
            Ok(await store.IngestDeleteBucketAsync(5, "b"));                   // not empty
            Ok(await store.IngestDeleteObjectAsync(6, "b", "nothing"));        // no such key
            var result = await store.AdvanceLowWaterMarkAsync(6);
            Ok(result);
            Assert.Equal(2, result.Applied);
            Assert.Equal(
                [new(2, S3ErrorCode.BucketAlreadyOwnedByYou), new(3, S3ErrorCode.NoSuchBucket), new(5, S3ErrorCode.BucketNotEmpty), new IngestRefusal(6, S3ErrorCode.NoSuchKey)],
                result.Refused!);
            Assert.Equal(10, store.LiveBytesBySegment().Values.Sum()); // the skipped PUT's body died
        }

        await using (var store = disk.CrashCopy().Open(External()))
        {
            await AssertObjectsAsync(store, new() { ["k"] = Body(2, 10) });
            Assert.Equal(10, store.LiveBytesBySegment().Values.Sum());
        }
    }

    [Fact]
    public async Task Each_mode_refuses_the_others_writes_and_a_store_with_entries_opens_external_only()
    {
        var disk = new SimulatedDisk();
        await using (var standalone = disk.Open(Options()))
        {
            Assert.False(standalone.IsOrchestrated);
            Assert.Equal(IngestStatus.WrongLsnMode, (await standalone.IngestCreateBucketAsync(1, "b", Created)).Status);
            Assert.Equal(IngestStatus.WrongLsnMode, standalone.BeginIngestPut(1, "b", "k", out _).Status);
            Assert.Equal(IngestStatus.WrongLsnMode, (await standalone.AdvanceLowWaterMarkAsync(1)).Status);
            Assert.Equal(IngestStatus.WrongLsnMode, (await standalone.TruncateSuffixAsync(1)).Status);
            await CreateBucketAsync(standalone, "seeded"); // a standalone history may precede the orchestrator's
        }

        await using (var store = disk.Open(External()))
        {
            Assert.True(store.IsOrchestrated);
            Assert.Equal(S3ErrorCode.MethodNotAllowed, (await store.CreateBucketAsync("c", CancellationToken.None)).Error);
            Assert.Equal(S3ErrorCode.MethodNotAllowed, store.BeginPut("seeded", "k").Error);
            Assert.Equal(S3ErrorCode.MethodNotAllowed, (await store.DeleteBucketAsync("seeded", CancellationToken.None)).Error);
            Ok(await store.IngestCreateBucketAsync(1, "b", Created));
        }

        var refused = Assert.Throws<InvalidOperationException>(() => disk.Open(Options()));
        Assert.Contains("LsnMode = External", refused.Message);
        await using (var store = disk.Open(External()))
        {
            Assert.Equal(["seeded"], store.ListBuckets().Select(b => b.Name)); // the pending entry waits still
            Assert.Equal(1, store.PendingEntries);
        }
    }

    /// <summary>
    /// S3_HWM &lt;= LWM: no sealed segment holding an entry the orchestrator may still truncate goes
    /// to the sink, and compaction cannot release it; once committed, it goes.
    /// </summary>
    [Fact]
    public async Task Segments_of_uncommitted_entries_stay_off_the_sink_and_out_of_compaction()
    {
        var sink = new RecordingSink();
        var disk = new SimulatedDisk();
        await using var store = disk.Open(External(sink));
        Ok(await store.IngestCreateBucketAsync(1, "b", Created));
        Ok(await store.AdvanceLowWaterMarkAsync(1));
        Assert.Equal(store.DurableLsn, store.LogLowWaterMark);

        var floor = store.DurableLsn;
        var body = Body(5, 300_000); // several 64 KiB segments, sealed behind it
        Ok(await IngestPutAsync(store, 2, "b", "k", body));
        for (var lsn = 3UL; lsn < 40; lsn++)
        {
            Ok(await IngestPutAsync(store, lsn, "b", $"filler-{lsn}", Body((int)lsn, 4_000)));
        }

        Assert.Equal(floor, store.LogLowWaterMark); // held below the body's first record
        Assert.True(store.SegmentIds.Count > 4);
        Assert.Empty(sink.Announced);
        var compacted = store.Compact(force: true);
        Assert.Equal(0, compacted.SegmentsReleased);
        Assert.Equal(0, compacted.SegmentsRewritten); // not even copied around: they cannot be released yet
        Assert.Equal(IngestStatus.Ok, (await store.AdvanceLowWaterMarkAsync(1)).Status); // a no-op advance moves nothing
        Assert.Empty(sink.Announced);

        Ok(await store.AdvanceLowWaterMarkAsync(39));
        Assert.Equal(store.DurableLsn, store.LogLowWaterMark);
        Assert.Subset(sink.Announced.ToHashSet(), store.SegmentIds.SkipLast(1).ToHashSet()); // every sealed segment, the active one aside
        Assert.Equal(body, await GetBytesAsync(store, "b", "k"));
    }

    /// <summary>
    /// A random orchestrator (entries, advances, truncations, checkpoints): after every
    /// acknowledged step a power cut is taken and reopened, and it shows exactly the committed
    /// prefix, with the same pending entries waiting.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_acknowledged_step_survives_a_crash_with_the_committed_prefix_visible(int seed)
    {
        var random = new Random(seed);
        var disk = new SimulatedDisk();
        var committed = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var pending = new List<(ulong Lsn, string Key, byte[]? Body)>(); // null body: a delete
        ulong last = 0, lowWaterMark = 0;
        await using var store = disk.Open(External());
        Ok(await store.IngestCreateBucketAsync(++last, "b", Created));
        Ok(await store.AdvanceLowWaterMarkAsync(lowWaterMark = last));

        for (var step = 0; step < 40; step++)
        {
            var roll = random.Next(100);
            if (roll < 50)
            {
                var lsn = last + 1 + (ulong)random.Next(3); // gaps allowed
                var key = $"k{random.Next(6)}";
                if (random.Next(4) == 0)
                {
                    Ok(await store.IngestDeleteObjectAsync(lsn, "b", key));
                    pending.Add((lsn, key, null));
                }
                else
                {
                    var body = Body(random.Next(), random.Next(0, 70_000));
                    Ok(await IngestPutAsync(store, lsn, "b", key, body));
                    pending.Add((lsn, key, body));
                }

                last = lsn;
            }
            else if (roll < 80)
            {
                var target = lowWaterMark + (ulong)random.Next(0, (int)(last - lowWaterMark) + 1);
                Ok(await store.AdvanceLowWaterMarkAsync(target));
                foreach (var (lsn, key, body) in pending.Where(p => p.Lsn <= target))
                {
                    if (body is null)
                    {
                        committed.Remove(key);
                    }
                    else
                    {
                        committed[key] = body;
                    }
                }

                pending.RemoveAll(p => p.Lsn <= target);
                lowWaterMark = target;
            }
            else if (roll < 92)
            {
                var after = lowWaterMark + (ulong)random.Next(0, (int)(last - lowWaterMark) + 1);
                Ok(await store.TruncateSuffixAsync(after));
                pending.RemoveAll(p => p.Lsn > after);
                last = Math.Min(last, after);
            }
            else
            {
                store.Checkpoint();
            }

            await using var recovered = disk.CrashCopy(random).Open(External());
            Assert.Equal(last, recovered.IngestedLsn);
            Assert.Equal(lowWaterMark, recovered.OrchestratorLowWaterMark);
            Assert.Equal(pending.Count, recovered.PendingEntries);
            await AssertObjectsAsync(recovered, committed);
            Assert.Equal(store.LiveBytesBySegment(), recovered.LiveBytesBySegment());
        }
    }

    /// <summary>
    /// Entries racing for LSNs, a low-water mark chasing them and a reader listing and reading:
    /// a refused entry never shows, every visible object has its exact bytes, and at the end every
    /// accepted entry is visible, also after a power cut.
    /// </summary>
    [Fact]
    public async Task Racing_entries_an_advancing_watermark_and_readers_agree()
    {
        var disk = new SimulatedDisk();
        await using var store = disk.Open(External());
        Ok(await store.IngestCreateBucketAsync(1, "b", Created));
        Ok(await store.AdvanceLowWaterMarkAsync(1));
        long next = 1;
        var accepted = new ConcurrentDictionary<string, ulong>();
        var refused = new ConcurrentBag<string>();
        var writing = 4;
        static byte[] BodyOf(string key) => Body(key.GetHashCode(StringComparison.Ordinal), 1_000 + (Math.Abs(key.GetHashCode(StringComparison.Ordinal)) % 20_000));

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                var key = $"w{w}-{i:D2}";
                var lsn = (ulong)Interlocked.Increment(ref next);
                var result = await IngestPutAsync(store, lsn, "b", key, BodyOf(key));
                if (result.IsOk)
                {
                    accepted[key] = lsn;
                }
                else
                {
                    Assert.Equal(IngestStatus.LsnNotIncreasing, result.Status); // lost the race: nothing written
                    refused.Add(key);
                }
            }

            Interlocked.Decrement(ref writing);
        })).ToList();

        var advancer = Task.Run(async () =>
        {
            while (Volatile.Read(ref writing) > 0)
            {
                var result = await store.AdvanceLowWaterMarkAsync(store.IngestedLsn);
                Assert.True(result.IsOk, result.ToString());
                await Task.Yield();
            }
        });

        var reader = Task.Run(async () =>
        {
            while (Volatile.Read(ref writing) > 0)
            {
                foreach (var listed in store.ListObjects("b", new ListRequest("", null, null, int.MaxValue)).Value!.Objects)
                {
                    Assert.Equal(BodyOf(listed.Key), await GetBytesAsync(store, "b", listed.Key));
                    Assert.DoesNotContain(listed.Key, refused);
                }
            }
        });

        await Task.WhenAll([.. writers, advancer, reader]);
        Ok(await store.AdvanceLowWaterMarkAsync(store.IngestedLsn));
        Assert.Equal(160, accepted.Count + refused.Count);
        Assert.NotEmpty(accepted);
        Assert.Equal(0, store.PendingEntries);
        var expected = accepted.Keys.ToDictionary(k => k, BodyOf);
        await AssertObjectsAsync(store, expected);
        await using var recovered = disk.CrashCopy().Open(External());
        await AssertObjectsAsync(recovered, expected);
    }

    private static async Task<IngestResult> IngestPutAsync(EngineObjectStore store, ulong lsn, string bucket, string key, byte[] body)
    {
        var begun = store.BeginIngestPut(lsn, bucket, key, out var put);
        if (!begun.IsOk)
        {
            return begun;
        }

        await using (put)
        {
            for (var offset = 0; offset < body.Length; offset += 7_000)
            {
                Assert.True((await put!.WriteAsync(body.AsMemory(offset, Math.Min(7_000, body.Length - offset)))).IsSuccess);
            }

            return await put!.CommitAsync(Info(key, body));
        }
    }

    private static async Task<IngestResult> IngestPartAsync(EngineObjectStore store, ulong lsn, string bucket, MultipartUpload upload, int partNumber, byte[] body)
    {
        var begun = store.BeginIngestPart(lsn, bucket, upload.Key, upload.UploadId, partNumber, out var put);
        if (!begun.IsOk)
        {
            return begun;
        }

        await using (put)
        {
            Assert.True((await put!.WriteAsync(body)).IsSuccess);
            return await put.CommitAsync(new PartInfo(partNumber, ETagOf(body), body.Length, Created, null));
        }
    }

    private static async Task AssertObjectsAsync(EngineObjectStore store, Dictionary<string, byte[]> expected)
    {
        var listed = store.ListObjects("b", new ListRequest("", null, null, int.MaxValue)).Value!.Objects.Select(o => o.Key).ToList();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), listed);
        foreach (var (key, body) in expected)
        {
            Assert.Equal(body, await GetBytesAsync(store, "b", key));
            Assert.Equal(ETagOf(body), store.GetObject("b", key).Value!.Info.ETag);
        }
    }

    private static void Ok(IngestResult result) => Assert.True(result.IsOk, result.ToString());

    private sealed class RecordingSink : ISealedSegmentSink
    {
        private readonly ConcurrentQueue<ulong> _announced = new();

        public IReadOnlyCollection<ulong> Announced => _announced;

        public void OnSegmentSealed(SealedSegmentInfo segment) => _announced.Enqueue(segment.SegmentId);
    }
}
