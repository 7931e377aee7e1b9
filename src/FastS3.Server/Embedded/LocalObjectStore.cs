using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using FastS3.Auth.Checksums;
using FastS3.Common.Errors;
using FastS3.Engine;
using FastS3.S3;
using FastS3.Storage;

namespace FastS3.Server.Embedded;

/// <summary>
/// The embedded API: S3 semantics in-process, without HTTP. Open a store on a folder (the engine)
/// or in memory, then create buckets, put from a <see cref="Stream"/>, a <see cref="PipeReader"/>
/// or memory, read a whole object or a range as a <see cref="Stream"/>, list and delete. The rules
/// and limits are the server's (bucket names, 1024-byte keys, 5 GiB PUTs, 2 KiB metadata,
/// conditional writes), and failures are the same named S3 errors, thrown as
/// <see cref="S3Exception"/> with its <see cref="S3Exception.Code"/>. ETag (MD5) and the default
/// CRC64NVME checksum are computed while the body streams, as over HTTP, so an object written here
/// reads back identically through the server (see <see cref="FastS3Host.Start"/>, which can serve
/// <see cref="Store"/>).
/// </summary>
public sealed class LocalObjectStore : IAsyncDisposable
{
    private const int CopyBufferBytes = 64 * 1024;

    private readonly S3Options _limits = new();
    private readonly bool _ownsStore;
    private readonly TimeProvider _clock;

    /// <summary>Wraps any store; <paramref name="ownsStore"/>: dispose it with this.</summary>
    public LocalObjectStore(IObjectStore store, bool ownsStore = true, TimeProvider? clock = null)
    {
        Store = store;
        _ownsStore = ownsStore;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The storage seam underneath (e.g. to serve it over HTTP with <see cref="FastS3Host.Start"/>).</summary>
    public IObjectStore Store { get; }

    /// <summary>Opens (recovering) or creates the persistent engine in <paramref name="folder"/>.</summary>
    public static LocalObjectStore Open(string folder, EngineOptions? options = null)
    {
        Directory.CreateDirectory(folder);
        return new LocalObjectStore(EngineObjectStore.Open(folder, options));
    }

    /// <summary>An ephemeral store in memory (tests).</summary>
    public static LocalObjectStore InMemory() => new(new MemoryObjectStore());

    public async Task CreateBucketAsync(string bucket, CancellationToken cancellationToken = default)
    {
        if (!BucketNames.IsValid(bucket))
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName);
        }

        Check(await Store.CreateBucketAsync(bucket, cancellationToken));
    }

    public async Task DeleteBucketAsync(string bucket, CancellationToken cancellationToken = default) =>
        Check(await Store.DeleteBucketAsync(bucket, cancellationToken));

    public IReadOnlyList<BucketInfo> ListBuckets() => Store.ListBuckets();

    /// <summary>Stores <paramref name="body"/> under <paramref name="key"/>; visible to readers only once durable and complete.</summary>
    public Task<ObjectInfo> PutAsync(string bucket, string key, ReadOnlyMemory<byte> body, PutObjectOptions? options = null, CancellationToken cancellationToken = default) =>
        PutCoreAsync(bucket, key, Chunks(body), options, cancellationToken);

    /// <summary>Streams <paramref name="body"/> to its end in bounded memory.</summary>
    public Task<ObjectInfo> PutAsync(string bucket, string key, Stream body, PutObjectOptions? options = null, CancellationToken cancellationToken = default) =>
        PutCoreAsync(bucket, key, Chunks(body, cancellationToken), options, cancellationToken);

    /// <summary>Streams <paramref name="body"/> until the writer completes it; the reader is completed afterwards.</summary>
    public async Task<ObjectInfo> PutAsync(string bucket, string key, PipeReader body, PutObjectOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await PutCoreAsync(bucket, key, Chunks(body, cancellationToken), options, cancellationToken);
        }
        finally
        {
            await body.CompleteAsync();
        }
    }

    /// <summary>The current version's metadata (S3 HEAD).</summary>
    public ObjectInfo Head(string bucket, string key) => Get(bucket, key).Info;

    /// <summary>
    /// The bytes of the version current now, or of [<paramref name="offset"/>, +<paramref name="length"/>)
    /// (InvalidRange when it lies outside the object). The stream keeps reading that version even if
    /// the key is overwritten or deleted meanwhile.
    /// </summary>
    public Stream OpenRead(string bucket, string key, long offset = 0, long? length = null)
    {
        var stored = Get(bucket, key);
        var size = stored.Content.Length;
        var count = length ?? size - offset;
        if (offset < 0 || count < 0 || offset + count > size || (offset >= size && size > 0))
        {
            throw new S3Exception(S3ErrorCode.InvalidRange);
        }

        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 * CopyBufferBytes, resumeWriterThreshold: 2 * CopyBufferBytes, useSynchronizationContext: false));
        _ = CopyAsync(stored.Content, pipe.Writer, offset, count);
        return pipe.Reader.AsStream();
    }

    /// <summary>The whole current version in memory (small objects).</summary>
    public async Task<byte[]> GetBytesAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        await using var stream = OpenRead(bucket, key);
        var result = new MemoryStream();
        await stream.CopyToAsync(result, cancellationToken);
        return result.ToArray();
    }

    /// <summary>Every key under <paramref name="prefix"/> in S3 order (UTF-8 bytes), paging through the index.</summary>
    public async IAsyncEnumerable<ObjectInfo> ListAsync(string bucket, string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? startAfter = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = Check(Store.ListObjects(bucket, new ListRequest(prefix, null, startAfter, 1000)));
            foreach (var info in page.Objects)
            {
                yield return info;
            }

            if (!page.IsTruncated)
            {
                yield break;
            }

            startAfter = page.NextStartAfter;
            await Task.Yield(); // a long listing does not hold the caller's thread
        }
    }

    /// <summary>One page, with delimiter grouping (S3 ListObjectsV2 semantics).</summary>
    public ListPage ListPage(string bucket, ListRequest request) => Check(Store.ListObjects(bucket, request));

    /// <summary>Deletes the key; deleting a missing key succeeds, as in S3.</summary>
    public async Task DeleteAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        Check(await Store.DeleteObjectAsync(bucket, key, cancellationToken));
    }

    public ValueTask DisposeAsync() => _ownsStore ? Store.DisposeAsync() : ValueTask.CompletedTask;

    private async Task<ObjectInfo> PutCoreAsync(string bucket, string key, IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, PutObjectOptions? options, CancellationToken cancellationToken)
    {
        options ??= new PutObjectOptions();
        CheckKey(key);
        var metadata = options.Metadata.Select(p => new KeyValuePair<string, string>(p.Key.ToLowerInvariant(), p.Value)).ToList();
        if (metadata.Sum(p => Encoding.UTF8.GetByteCount(p.Key) + Encoding.UTF8.GetByteCount(p.Value)) > _limits.MaxUserMetadataBytes)
        {
            throw new S3Exception(S3ErrorCode.MetadataTooLarge);
        }

        var begun = Check(Store.BeginPut(bucket, key));
        await using var writer = begun;
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var checksum = new ChecksumHasher(ChecksumAlgorithm.Crc64Nvme);
        long length = 0;
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            length += chunk.Length;
            if (length > _limits.MaxPutBytes)
            {
                throw new S3Exception(S3ErrorCode.EntityTooLarge); // disposing the writer discards what was written
            }

            md5.AppendData(chunk.Span);
            checksum.Append(chunk.Span);
            Check(await writer.WriteAsync(chunk, cancellationToken));
        }

        var info = new ObjectInfo
        {
            Key = key,
            Size = length,
            ETag = "\"" + Convert.ToHexStringLower(md5.GetHashAndReset()) + "\"",
            LastModified = _clock.GetUtcNow(),
            ContentType = options.ContentType,
            UserMetadata = metadata,
            Checksum = new ObjectChecksum(ChecksumNames.AlgorithmName(ChecksumAlgorithm.Crc64Nvme), checksum.GetBase64(), IsComposite: false),
        };
        return Check(await writer.CommitAsync(info, new WriteCondition(options.IfNoneMatch, options.IfMatch), cancellationToken));
    }

    private StoredObject Get(string bucket, string key)
    {
        CheckKey(key);
        return Check(Store.GetObject(bucket, key));
    }

    private void CheckKey(string key)
    {
        if (key.Length == 0)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "An object key must not be empty.");
        }

        if (Encoding.UTF8.GetByteCount(key) > _limits.MaxKeyBytes)
        {
            throw new S3Exception(S3ErrorCode.KeyTooLongError);
        }
    }

    private static T Check<T>(StoreResult<T> result) =>
        result.IsSuccess ? result.Value! : throw new S3Exception(result.Error, result.Message);

    private static async Task CopyAsync(IObjectContent content, PipeWriter destination, long offset, long length)
    {
        try
        {
            await content.CopyToAsync(destination, direct: null, offset, length, CancellationToken.None);
            await destination.CompleteAsync();
        }
        catch (Exception exception)
        {
            // The reader sees the failure (e.g. the reader stopped, or the store closed) instead of a short body.
            await destination.CompleteAsync(exception);
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(ReadOnlyMemory<byte> body)
    {
        yield return body;
        await Task.CompletedTask;
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), cancellationToken)) > 0)
            {
                yield return buffer.AsMemory(0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(PipeReader body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            foreach (var segment in read.Buffer)
            {
                yield return segment;
            }

            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted || read.IsCanceled)
            {
                yield break;
            }
        }
    }
}
