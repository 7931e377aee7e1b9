using FastS3.Common.Errors;
using FastS3.Engine;
using FastS3.Segments;
using FastS3.Wal.Device;
using FsCheck.Xunit;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>
/// The engine over erasure-coded, offloaded segments: objects written across many small segments
/// read back byte-exact from shards, with up to m shards of every segment damaged in any way, and
/// after a restart; m + 1 losses give a named error, never wrong bytes.
/// </summary>
public sealed class ErasureOffloadTests
{
    private const string Bucket = "ec";
    private const int Parity = ErasureEngine.ParityShards;
    private const int TotalShards = ErasureEngine.DataShards + ErasureEngine.ParityShards;

    private enum Damage
    {
        DeleteFile,
        FlipDataByte,
        Truncate,
        CorruptHeader,
    }

    [Property(MaxTest = 4)]
    public void Up_to_m_damaged_shards_per_segment_still_read_exact_and_survive_restart(int seed) => RunAsync(seed).GetAwaiter().GetResult();

    [Fact]
    public async Task More_than_m_lost_shard_files_refuse_the_object_with_a_named_error()
    {
        using var dir = new TempDirectory();
        var engine = ErasureEngine.Open(dir.Path);
        try
        {
            var objects = await WriteObjectsAsync(engine.Engine, new Random(1), count: 30);
            var offloaded = engine.WaitAllSealedOffloaded();
            var first = offloaded[0]; // holds object 0: the first record of the log
            for (var shard = 0; shard <= Parity; shard++)
            {
                File.Delete(engine.Layout.ShardPath(first, shard));
            }

            var refused = engine.Engine.GetObject(Bucket, objects[0].Key);
            Assert.Equal(S3ErrorCode.InternalError, refused.Error);
            Assert.Contains($"segment {first}", refused.Message, StringComparison.Ordinal);
            Assert.Contains("shards are lost", refused.Message, StringComparison.Ordinal);
            await AssertReadsExactOrRefusedAsync(engine.Engine, objects, mustRefuse: 1);
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task More_than_m_corrupt_blocks_abort_the_read_never_return_wrong_bytes()
    {
        using var dir = new TempDirectory();
        var engine = ErasureEngine.Open(dir.Path);
        try
        {
            var objects = await WriteObjectsAsync(engine.Engine, new Random(2), count: 30);
            var first = engine.WaitAllSealedOffloaded()[0];

            // Data shard 0 (object 0's bytes) and both parity shards: block 0 keeps only 3 < k clean shards.
            foreach (var shard in new[] { 0, 4, 5 })
            {
                Apply(engine.Layout, first, shard, Damage.FlipDataByte, new Random(shard));
            }

            var got = engine.Engine.GetObject(Bucket, objects[0].Key);
            Assert.True(got.IsSuccess, "every shard file is there: the cheap check passes, the read itself must catch it");
            var error = await Assert.ThrowsAsync<UnrecoverableDataException>(() => ReadAllAsync(got.Value!.Content));
            Assert.Equal(first, error.Location.SegmentId);
            await Assert.ThrowsAsync<UnrecoverableDataException>(() => CopyAllAsync(got.Value!.Content, 0, got.Value.Content.Length));
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_healer_rewrites_shards_the_read_path_found_damaged()
    {
        using var dir = new TempDirectory();
        var engine = ErasureEngine.Open(dir.Path);
        try
        {
            var objects = await WriteObjectsAsync(engine.Engine, new Random(3), count: 30);
            var offloaded = engine.WaitAllSealedOffloaded();
            foreach (var id in offloaded)
            {
                File.Delete(engine.Layout.ShardPath(id, 0)); // data shard 0: every read near a segment's start needs it
            }

            await AssertReadsExactOrRefusedAsync(engine.Engine, objects, mustRefuse: 0);
            var reported = engine.Store.Damage.Snapshot();
            Assert.NotEmpty(reported);
            Assert.All(reported, d => Assert.Equal(0, d.ShardIndex));

            var healed = await new Healer(engine.Store).HealPendingAsync();

            Assert.Equal(reported.Select(d => d.SegmentId).Distinct().Count(), healed);
            Assert.All(reported, d => Assert.True(File.Exists(engine.Layout.ShardPath(d.SegmentId, d.ShardIndex)), $"segment {d.SegmentId} shard 0 not rewritten"));
            Assert.All(reported, d => Assert.Equal(SegmentHealStatus.Healthy, new Healer(engine.Store).HealSegment(d.SegmentId).Status));

            // The rewritten shards serve reads straight again: no block needs rebuilding, nothing is reported.
            await AssertReadsExactOrRefusedAsync(engine.Engine, objects, mustRefuse: 0);
            Assert.Equal(0, engine.Store.Damage.Count);
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    private static async Task RunAsync(int seed)
    {
        var random = new Random(seed);
        using var dir = new TempDirectory();

        // No checkpoint on close: the restart rebuilds the index by replaying offloaded segments from shards.
        var engine = ErasureEngine.Open(dir.Path, checkpointOnClose: false);
        try
        {
            var objects = await WriteObjectsAsync(engine.Engine, random, count: 24 + random.Next(16));
            var offloaded = engine.WaitAllSealedOffloaded();
            Assert.True(offloaded.Count >= 4, $"seed {seed}: only {offloaded.Count} segments offloaded");
            Assert.Empty(Directory.EnumerateFiles(EngineObjectStore.WalDirectoryOf(dir.Path), "*.wal").Select(Path.GetFileName)
                .Intersect(offloaded.Select(FileWalDevice.SegmentFileName)));

            foreach (var id in offloaded)
            {
                var victims = Enumerable.Range(0, TotalShards).OrderBy(_ => random.Next()).Take(random.Next(Parity + 1));
                foreach (var shard in victims)
                {
                    Apply(engine.Layout, id, shard, (Damage)random.Next(4), random);
                }
            }

            await AssertReadsExactOrRefusedAsync(engine.Engine, objects, mustRefuse: 0, random);
            engine = await engine.ReopenAsync();
            Assert.True(engine.Engine.Recovery.RecordsReplayed > 0, $"seed {seed}: the restart must replay through offloaded segments");
            await AssertReadsExactOrRefusedAsync(engine.Engine, objects, mustRefuse: 0, random);
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    private static async Task<List<(string Key, byte[] Body)>> WriteObjectsAsync(EngineObjectStore store, Random random, int count)
    {
        await CreateBucketAsync(store, Bucket);
        var objects = new List<(string, byte[])>();
        for (var i = 0; i < count; i++)
        {
            // 1 B .. 40 KB: many objects per 64 KiB segment, some straddling two.
            var body = Body(random.Next(), random.Next(4) == 0 ? random.Next(1, 200) : random.Next(1_000, 40_000));
            var key = $"k{i:D3}";
            Assert.True((await PutAsync(store, Bucket, key, body)).IsSuccess);
            objects.Add((key, body));
        }

        return objects;
    }

    private static async Task AssertReadsExactOrRefusedAsync(EngineObjectStore store, List<(string Key, byte[] Body)> objects, int mustRefuse, Random? random = null)
    {
        var refused = 0;
        foreach (var (key, body) in objects)
        {
            var got = store.GetObject(Bucket, key);
            if (got.Error == S3ErrorCode.InternalError)
            {
                refused++;
                continue;
            }

            Assert.True(got.IsSuccess, $"{key}: {got.Error}");
            var whole = await ReadAllAsync(got.Value!.Content);
            Assert.True(body.AsSpan().SequenceEqual(whole), $"{key} read back different bytes");
            var offset = random?.Next(body.Length) ?? body.Length / 3;
            var length = body.Length - offset;
            var range = await CopyAllAsync(got.Value.Content, offset, length);
            Assert.True(body.AsSpan(offset, length).SequenceEqual(range), $"{key} [{offset}, +{length}) read back different bytes");
        }

        // Exactly none refused on the healthy-enough path; at least the named ones past m losses.
        Assert.True(mustRefuse == 0 ? refused == 0 : refused >= mustRefuse, $"{refused} objects refused, expected {(mustRefuse == 0 ? "none" : $"at least {mustRefuse}")}");
    }

    private static void Apply(ErasureLayout layout, ulong segmentId, int shard, Damage damage, Random random)
    {
        var path = layout.ShardPath(segmentId, shard);
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case Damage.DeleteFile:
                File.Delete(path);
                break;
            case Damage.FlipDataByte:
                // The data region is the file's tail (header and CRC table come first); its last byte is in the last block.
                bytes[^1] ^= (byte)(1 << random.Next(8));
                File.WriteAllBytes(path, bytes);
                break;
            case Damage.Truncate:
                File.WriteAllBytes(path, bytes[..random.Next(bytes.Length)]);
                break;
            case Damage.CorruptHeader:
                bytes[random.Next(ShardFileHeader.Size)] ^= (byte)(1 << random.Next(8));
                File.WriteAllBytes(path, bytes);
                break;
        }
    }
}
