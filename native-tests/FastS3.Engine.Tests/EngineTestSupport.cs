using System.IO.Pipelines;
using System.Security.Cryptography;
using FastS3.Common.Errors;
using FastS3.Engine;
using FastS3.Engine.Checkpoints;
using FastS3.Engine.Paging;
using FastS3.Storage;
using FastS3.Wal;
using FastS3.Wal.Device;

namespace FastS3.Engine.Tests;

/// <summary>Small segments, deterministic bodies, helpers to put and read objects.</summary>
internal static class EngineTestSupport
{
    /// <summary>64 KiB, the WAL's minimum: objects of a few hundred KiB already span segments and chunks.</summary>
    public const int SmallSegmentBytes = 64 << 10;

    public static EngineOptions Options(int segmentBytes = SmallSegmentBytes, Durability durability = Durability.Fsync, TimeSpan? checkpointInterval = null, Action<EngineRecoveryProgress>? progress = null, int chunkBytes = EngineOptions.DefaultChunkSizeBytes) => new()
    {
        SegmentSizeBytes = segmentBytes,
        Durability = durability,
        CheckpointInterval = checkpointInterval ?? TimeSpan.Zero,
        CompactionInterval = TimeSpan.Zero, // tests compact explicitly
        RecoveryProgress = progress,
        ChunkSizeBytes = chunkBytes,
        IndexBufferPoolBytes = IndexPoolBytes,
        ObjectCacheEntries = 64, // small: lookups go through the tree, not only the decode cache
    };

    /// <summary>128 frames: large tests evict and re-read index pages.</summary>
    public const long IndexPoolBytes = 1 << 20;

    /// <summary>Deterministic bytes for (seed, length): a mix-up of extents shows as a mismatch.</summary>
    public static byte[] Body(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string ETagOf(ReadOnlySpan<byte> body) => "\"" + Convert.ToHexStringLower(MD5.HashData(body)) + "\"";

    public static ObjectInfo Info(string key, byte[] body, string contentType = "application/octet-stream") => new()
    {
        Key = key,
        Size = body.Length,
        ETag = ETagOf(body),
        LastModified = new DateTimeOffset(2026, 11, 25, 1, 2, 3, TimeSpan.Zero).AddTicks(body.Length),
        ContentType = contentType,
    };

    /// <summary>Every optional field set, so a lossy encoding shows.</summary>
    public static ObjectInfo RichInfo(string key, byte[] body) => Info(key, body, "text/plain; charset=utf-8") with
    {
        ContentEncoding = "gzip",
        ContentDisposition = "attachment; filename=\"a b.txt\"",
        ContentLanguage = "de-CH",
        CacheControl = "max-age=60",
        Expires = "Wed, 21 Oct 2026 07:28:00 GMT",
        UserMetadata = [new("zeta", "1"), new("alpha", "ünïcödé ✓"), new("empty", "")],
        Checksum = new ObjectChecksum("CRC32C", "yZRlqg==", false),
        LastModified = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2)),
        StorageClass = "STANDARD_IA",
    };

    /// <summary>Streams <paramref name="body"/> in pieces of <paramref name="writeBytes"/> (as a socket would) and commits.</summary>
    public static async Task<StoreResult<ObjectInfo>> PutAsync(IObjectStore store, string bucket, string key, byte[] body, ObjectInfo? info = null, WriteCondition condition = default, int writeBytes = 8000)
    {
        var begun = store.BeginPut(bucket, key);
        if (!begun.IsSuccess)
        {
            return StoreResult<ObjectInfo>.Fail(begun.Error);
        }

        await using var writer = begun.Value!;
        for (var at = 0; at < body.Length; at += writeBytes)
        {
            var written = await writer.WriteAsync(body.AsMemory(at, Math.Min(writeBytes, body.Length - at)), CancellationToken.None);
            if (!written.IsSuccess)
            {
                return StoreResult<ObjectInfo>.Fail(written.Error);
            }
        }

        return await writer.CommitAsync(info ?? Info(key, body), condition, CancellationToken.None);
    }

    public static async Task<StoreResult<PartInfo>> PutPartAsync(IObjectStore store, string bucket, string key, string uploadId, int partNumber, byte[] body)
    {
        var begun = store.BeginUploadPart(bucket, key, uploadId, partNumber);
        if (!begun.IsSuccess)
        {
            return StoreResult<PartInfo>.Fail(begun.Error);
        }

        await using var writer = begun.Value!;
        for (var at = 0; at < body.Length; at += 10_000)
        {
            Assert.True((await writer.WriteAsync(body.AsMemory(at, Math.Min(10_000, body.Length - at)), CancellationToken.None)).IsSuccess);
        }

        return await writer.CommitAsync(ETagOf(body), null, CancellationToken.None);
    }

    /// <summary>All bytes through <see cref="IObjectContent.ReadAsync"/>.</summary>
    public static async Task<byte[]> ReadAllAsync(IObjectContent content, long offset = 0, long? length = null)
    {
        var result = new MemoryStream();
        await foreach (var chunk in content.ReadAsync(offset, length ?? content.Length - offset, CancellationToken.None))
        {
            result.Write(chunk.Span);
        }

        return result.ToArray();
    }

    /// <summary>All bytes through <see cref="IObjectContent.CopyToAsync"/> into a pipe.</summary>
    public static async Task<byte[]> CopyAllAsync(IObjectContent content, long offset, long length)
    {
        var pipe = new Pipe();
        var reading = Task.Run(async () =>
        {
            var result = new MemoryStream();
            await pipe.Reader.CopyToAsync(result);
            return result.ToArray();
        });
        await content.CopyToAsync(pipe.Writer, direct: null, offset, length, CancellationToken.None);
        await pipe.Writer.CompleteAsync();
        return await reading;
    }

    public static async Task<byte[]?> GetBytesAsync(IObjectStore store, string bucket, string key)
    {
        var got = store.GetObject(bucket, key);
        if (got.Error == S3ErrorCode.NoSuchKey)
        {
            return null;
        }

        Assert.True(got.IsSuccess, $"GetObject {bucket}/{key}: {got.Error}");
        return await ReadAllAsync(got.Value!.Content);
    }

    public static async Task CreateBucketAsync(IObjectStore store, string bucket)
    {
        var created = await store.CreateBucketAsync(bucket, CancellationToken.None);
        Assert.True(created.IsSuccess, $"CreateBucket {bucket}: {created.Error}");
    }
}

/// <summary>A temp directory removed at dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fasts3-engine-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>An engine on the in-memory fault devices: restart and crash without touching the disk.</summary>
internal sealed class SimulatedDisk
{
    public SimulatedDisk(FaultInjectingWalDevice? device = null, MemoryCheckpointStore? checkpoints = null, FaultInjectingPageDevice? indexPages = null)
    {
        Device = device ?? new FaultInjectingWalDevice();
        Checkpoints = checkpoints ?? new MemoryCheckpointStore();
        IndexPages = indexPages ?? new FaultInjectingPageDevice();
    }

    public FaultInjectingWalDevice Device { get; }

    public MemoryCheckpointStore Checkpoints { get; }

    /// <summary>The object tree's page file (its record lives in the engine checkpoint).</summary>
    public FaultInjectingPageDevice IndexPages { get; }

    public EngineObjectStore Open(EngineOptions? options = null) => EngineObjectStore.Open(Device, Checkpoints, IndexPages, options ?? EngineTestSupport.Options());

    /// <summary>
    /// What a power cut now leaves. The checkpoint is copied first: it only ever holds commits
    /// that were durable when it was written, and the index pages it names were synced before it,
    /// so page and log images taken after it cover it.
    /// </summary>
    /// <remarks>
    /// The copies are not one instant: a newer checkpoint may be written meanwhile, after which
    /// compaction may release segments, and the tree may reuse pages, that the older one needs. A
    /// real power cut sees everything at one instant, so retry until no checkpoint was written
    /// during the copies (a release or a reuse is always preceded by its checkpoint, which the
    /// first copy then already holds).
    /// </remarks>
    public SimulatedDisk CrashCopy(Random? tear = null)
    {
        while (true)
        {
            var writesBefore = Checkpoints.WriteCount;
            var checkpoints = Checkpoints.CrashCopy();
            var pages = IndexPages.CrashCopy(tear);
            var device = Device.CrashCopy(tear);
            if (Checkpoints.WriteCount == writesBefore)
            {
                return new SimulatedDisk(device, checkpoints, pages);
            }
        }
    }
}
