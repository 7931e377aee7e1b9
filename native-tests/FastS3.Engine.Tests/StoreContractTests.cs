using FastS3.Common.Errors;
using FastS3.Storage;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>
/// What every <see cref="IObjectStore"/> must do, run against the memory store (the reference)
/// and the engine: same results, same errors for the same cases.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    protected const string Bucket = "bucket";

    protected IObjectStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await CreateBucketAsync(Store, Bucket);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        Cleanup();
    }

    protected abstract Task<IObjectStore> CreateStoreAsync();

    protected virtual void Cleanup()
    {
    }

    [Fact]
    public async Task Buckets_are_created_once_listed_in_order_and_deleted_when_empty()
    {
        Assert.Equal(S3ErrorCode.BucketAlreadyOwnedByYou, (await Store.CreateBucketAsync(Bucket, default)).Error);
        await CreateBucketAsync(Store, "alpha");
        await CreateBucketAsync(Store, "zulu");
        Assert.Equal(["alpha", Bucket, "zulu"], Store.ListBuckets().Select(b => b.Name));
        Assert.Equal("alpha", Store.GetBucket("alpha")!.Name);

        Assert.True((await Store.DeleteBucketAsync("alpha", default)).IsSuccess);
        Assert.Null(Store.GetBucket("alpha"));
        Assert.Equal(S3ErrorCode.NoSuchBucket, (await Store.DeleteBucketAsync("alpha", default)).Error);
        Assert.Equal([Bucket, "zulu"], Store.ListBuckets().Select(b => b.Name));
    }

    [Fact]
    public async Task Missing_bucket_is_NoSuchBucket_everywhere()
    {
        Assert.Equal(S3ErrorCode.NoSuchBucket, Store.BeginPut("nope", "k").Error);
        Assert.Equal(S3ErrorCode.NoSuchBucket, Store.GetObject("nope", "k").Error);
        Assert.Equal(S3ErrorCode.NoSuchBucket, (await Store.DeleteObjectAsync("nope", "k", default)).Error);
        Assert.Equal(S3ErrorCode.NoSuchBucket, Store.ListObjects("nope", new ListRequest("", null, null, 10)).Error);
        Assert.Equal(S3ErrorCode.NoSuchBucket, Store.CreateMultipartUpload("nope", Info("k", []), null, false).Error);
        Assert.Equal(S3ErrorCode.NoSuchBucket, Store.ListMultipartUploads("nope", "").Error);
        Assert.Equal(S3ErrorCode.NoSuchBucket, Store.GetMultipartUpload("nope", "k", "u").Error);
    }

    [Fact]
    public async Task Put_then_get_returns_exact_bytes_and_metadata()
    {
        var body = Body(1, 300_000); // several chunks and, on the engine, several 64 KiB segments
        var info = RichInfo("dir/object.bin", body);
        var put = await PutAsync(Store, Bucket, "dir/object.bin", body, info);
        Assert.True(put.IsSuccess);

        var got = Store.GetObject(Bucket, "dir/object.bin");
        Assert.True(got.IsSuccess);
        AssertSameInfo(info, got.Value!.Info);
        Assert.Equal(body.Length, got.Value.Content.Length);
        Assert.Equal(body, await ReadAllAsync(got.Value.Content));
        Assert.Equal(body, await CopyAllAsync(got.Value.Content, 0, body.Length));
    }

    [Fact]
    public async Task Ranges_read_across_chunk_boundaries()
    {
        var body = Body(2, 200_000);
        await PutAsync(Store, Bucket, "k", body, writeBytes: 777);
        var content = Store.GetObject(Bucket, "k").Value!.Content;
        foreach (var (offset, length) in new[] { (0L, 1L), (65_000L, 10_000L), (123_456L, 76_544L), (199_999L, 1L), (5L, 0L) })
        {
            var expected = body[(int)offset..(int)(offset + length)];
            Assert.Equal(expected, await CopyAllAsync(content, offset, length));
            Assert.Equal(expected, await ReadAllAsync(content, offset, length));
        }
    }

    [Fact]
    public async Task Empty_object_round_trips()
    {
        Assert.True((await PutAsync(Store, Bucket, "empty", [])).IsSuccess);
        var got = Store.GetObject(Bucket, "empty");
        Assert.Equal(0, got.Value!.Content.Length);
        Assert.Empty(await ReadAllAsync(got.Value.Content));
        Assert.Equal(ETagOf([]), got.Value.Info.ETag);
    }

    [Fact]
    public async Task Overwrite_replaces_and_a_held_version_stays_readable()
    {
        var first = Body(3, 100_000);
        var second = Body(4, 5_000);
        await PutAsync(Store, Bucket, "k", first);
        var held = Store.GetObject(Bucket, "k").Value!;
        await PutAsync(Store, Bucket, "k", second);

        Assert.Equal(second, await GetBytesAsync(Store, Bucket, "k"));
        Assert.Equal(ETagOf(second), Store.GetObject(Bucket, "k").Value!.Info.ETag);
        Assert.Equal(first, await ReadAllAsync(held.Content));

        Assert.True((await Store.DeleteObjectAsync(Bucket, "k", default)).IsSuccess);
        Assert.Equal(first, await ReadAllAsync(held.Content));
    }

    [Fact]
    public async Task Delete_removes_and_deleting_a_missing_key_succeeds()
    {
        await PutAsync(Store, Bucket, "k", Body(5, 10));
        Assert.True((await Store.DeleteObjectAsync(Bucket, "k", default)).IsSuccess);
        Assert.Equal(S3ErrorCode.NoSuchKey, Store.GetObject(Bucket, "k").Error);
        Assert.True((await Store.DeleteObjectAsync(Bucket, "k", default)).IsSuccess);
        Assert.True((await Store.DeleteObjectAsync(Bucket, "never", default)).IsSuccess);
        Assert.Empty(Store.ListObjects(Bucket, new ListRequest("", null, null, 10)).Value!.Objects);
    }

    [Fact]
    public async Task Uncommitted_writer_leaves_nothing_visible()
    {
        var writer = Store.BeginPut(Bucket, "k").Value!;
        await writer.WriteAsync(Body(6, 150_000), default);
        await writer.DisposeAsync();
        Assert.Equal(S3ErrorCode.NoSuchKey, Store.GetObject(Bucket, "k").Error);
        Assert.Empty(Store.ListObjects(Bucket, new ListRequest("", null, null, 10)).Value!.Objects);
    }

    [Fact]
    public async Task Listing_applies_prefix_delimiter_and_pages_in_utf8_order()
    {
        string[] keys = ["a/1", "a/2", "a/b/3", "b", "c/x", "c/y", "d", "é", "\uFF21", "😀"];
        foreach (var key in keys.Reverse())
        {
            await PutAsync(Store, Bucket, key, Body(key.Length, 3));
        }

        var all = Store.ListObjects(Bucket, new ListRequest("", null, null, 1000)).Value!;
        Assert.Equal(keys, all.Objects.Select(o => o.Key)); // UTF-8 byte order: U+FF21 before U+1F600
        Assert.False(all.IsTruncated);

        var rolled = Store.ListObjects(Bucket, new ListRequest("", "/", null, 1000)).Value!;
        Assert.Equal(["b", "d", "é", "\uFF21", "😀"], rolled.Objects.Select(o => o.Key));
        Assert.Equal(["a/", "c/"], rolled.CommonPrefixes);

        var underA = Store.ListObjects(Bucket, new ListRequest("a/", "/", null, 1000)).Value!;
        Assert.Equal(["a/1", "a/2"], underA.Objects.Select(o => o.Key));
        Assert.Equal(["a/b/"], underA.CommonPrefixes);

        // Pages of 2 with the delimiter: every entry exactly once, in order.
        var seen = new List<string>();
        string? start = null;
        var pages = 0;
        while (true)
        {
            var page = Store.ListObjects(Bucket, new ListRequest("", "/", start, 2)).Value!;
            pages++;
            seen.AddRange(page.Objects.Select(o => o.Key).Concat(page.CommonPrefixes).Order(Utf8KeyComparer.Instance));
            if (!page.IsTruncated)
            {
                break;
            }

            start = page.NextStartAfter;
        }

        Assert.Equal(["a/", "b", "c/", "d", "é", "\uFF21", "😀"], seen);
        Assert.Equal(4, pages);

        var afterC = Store.ListObjects(Bucket, new ListRequest("c/", null, "c/x", 10)).Value!;
        Assert.Equal(["c/y"], afterC.Objects.Select(o => o.Key));
        Assert.Equal(3, Store.ListObjects(Bucket, new ListRequest("", null, null, 3)).Value!.Objects.Count);
    }

    [Fact]
    public async Task Conditional_writes_follow_S3_rules()
    {
        var v1 = Body(7, 100);
        Assert.Equal(S3ErrorCode.NoSuchKey, (await PutAsync(Store, Bucket, "k", v1, condition: new WriteCondition(false, ETagOf(v1)))).Error);
        Assert.True((await PutAsync(Store, Bucket, "k", v1, condition: new WriteCondition(true, null))).IsSuccess);
        Assert.Equal(S3ErrorCode.PreconditionFailed, (await PutAsync(Store, Bucket, "k", Body(8, 1), condition: new WriteCondition(true, null))).Error);
        Assert.Equal(S3ErrorCode.PreconditionFailed, (await PutAsync(Store, Bucket, "k", Body(8, 1), condition: new WriteCondition(false, "\"0000\""))).Error);
        Assert.Equal(v1, await GetBytesAsync(Store, Bucket, "k"));

        var v2 = Body(9, 50);
        Assert.True((await PutAsync(Store, Bucket, "k", v2, condition: new WriteCondition(false, ETagOf(v1)))).IsSuccess);
        Assert.True((await PutAsync(Store, Bucket, "k", Body(10, 5), condition: new WriteCondition(false, "*"))).IsSuccess);
    }

    [Fact]
    public async Task Racing_if_none_match_puts_have_exactly_one_winner()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => PutAsync(Store, Bucket, "race", Body(100 + i, 2_000 + i), condition: new WriteCondition(true, null)))));
        Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(S3ErrorCode.PreconditionFailed, r.Error));
        var winner = results.Single(r => r.IsSuccess).Value!;
        Assert.Equal(winner.ETag, Store.GetObject(Bucket, "race").Value!.Info.ETag);
    }

    [Fact]
    public async Task Bucket_with_objects_or_uploads_is_not_empty()
    {
        await PutAsync(Store, Bucket, "k", Body(11, 1));
        Assert.Equal(S3ErrorCode.BucketNotEmpty, (await Store.DeleteBucketAsync(Bucket, default)).Error);
        await Store.DeleteObjectAsync(Bucket, "k", default);

        var upload = Store.CreateMultipartUpload(Bucket, Info("m", []), null, false).Value!;
        Assert.Equal(S3ErrorCode.BucketNotEmpty, (await Store.DeleteBucketAsync(Bucket, default)).Error);
        Assert.True((await Store.AbortMultipartUploadAsync(Bucket, "m", upload.UploadId, default)).IsSuccess);
        Assert.True((await Store.DeleteBucketAsync(Bucket, default)).IsSuccess);
        Assert.Null(Store.GetBucket(Bucket));
    }

    [Fact]
    public async Task Writer_whose_bucket_was_deleted_cannot_commit()
    {
        await CreateBucketAsync(Store, "short-lived");
        var writer = Store.BeginPut("short-lived", "k").Value!;
        await writer.WriteAsync(Body(12, 10), default);
        Assert.True((await Store.DeleteBucketAsync("short-lived", default)).IsSuccess);
        await CreateBucketAsync(Store, "short-lived");
        Assert.Equal(S3ErrorCode.NoSuchBucket, (await writer.CommitAsync(Info("k", Body(12, 10)), default, default)).Error);
        await writer.DisposeAsync();
        Assert.Equal(S3ErrorCode.NoSuchKey, Store.GetObject("short-lived", "k").Error);
    }

    [Fact]
    public async Task Multipart_complete_stitches_listed_parts_in_order()
    {
        var template = RichInfo("big", []);
        var upload = Store.CreateMultipartUpload(Bucket, template, "CRC32C", true).Value!;
        AssertSameUpload(upload, Store.GetMultipartUpload(Bucket, "big", upload.UploadId).Value!);
        var p1 = Body(21, 70_000);
        var p2old = Body(22, 1_000);
        var p2 = Body(23, 90_000);
        var p3 = Body(24, 33);
        Assert.True((await PutPartAsync(Store, Bucket, "big", upload.UploadId, 1, p1)).IsSuccess);
        Assert.True((await PutPartAsync(Store, Bucket, "big", upload.UploadId, 2, p2old)).IsSuccess);
        Assert.True((await PutPartAsync(Store, Bucket, "big", upload.UploadId, 3, p3)).IsSuccess);
        var replaced = await PutPartAsync(Store, Bucket, "big", upload.UploadId, 2, p2);
        Assert.Equal(p2.Length, replaced.Value!.Size);

        var parts = Store.ListParts(Bucket, "big", upload.UploadId).Value!;
        Assert.Equal([1, 2, 3], parts.Select(p => p.PartNumber));
        Assert.Equal([p1.Length, p2.Length, p3.Length], parts.Select(p => (int)p.Size));
        Assert.Equal(ETagOf(p2), parts[1].ETag);

        var final = template with { ETag = "\"abc-2\"", PartsCount = 2 };
        var completed = await Store.CompleteMultipartUploadAsync(Bucket, "big", upload.UploadId, [new(1, ETagOf(p1)), new(2, ETagOf(p2))], final, default, default);
        Assert.True(completed.IsSuccess);
        Assert.Equal(p1.Length + p2.Length, completed.Value!.Size);

        var got = Store.GetObject(Bucket, "big").Value!;
        byte[] stitched = [.. p1, .. p2];
        Assert.Equal(stitched, await ReadAllAsync(got.Content));
        AssertSameInfo(final with { Size = p1.Length + p2.Length }, got.Info);
        Assert.Empty(Store.ListMultipartUploads(Bucket, "").Value!);
        Assert.Equal(S3ErrorCode.NoSuchUpload, Store.GetMultipartUpload(Bucket, "big", upload.UploadId).Error);
        Assert.Equal(S3ErrorCode.NoSuchUpload, (await Store.AbortMultipartUploadAsync(Bucket, "big", upload.UploadId, default)).Error);
    }

    [Fact]
    public async Task Multipart_errors_match()
    {
        var upload = Store.CreateMultipartUpload(Bucket, Info("m", []), null, false).Value!;
        var p1 = Body(31, 100);
        await PutPartAsync(Store, Bucket, "m", upload.UploadId, 1, p1);

        Assert.Equal(S3ErrorCode.NoSuchUpload, Store.BeginUploadPart(Bucket, "m", "no-such-upload", 1).Error);
        Assert.Equal(S3ErrorCode.NoSuchUpload, Store.BeginUploadPart(Bucket, "other-key", upload.UploadId, 1).Error);
        Assert.Equal(S3ErrorCode.NoSuchUpload, Store.ListParts(Bucket, "other-key", upload.UploadId).Error);
        Assert.Equal(S3ErrorCode.NoSuchUpload, (await Store.CompleteMultipartUploadAsync(Bucket, "m", "nope", [new(1, ETagOf(p1))], Info("m", p1), default, default)).Error);

        var badETag = await Store.CompleteMultipartUploadAsync(Bucket, "m", upload.UploadId, [new(1, "\"ffff\"")], Info("m", p1), default, default);
        Assert.Equal(S3ErrorCode.InvalidPart, badETag.Error);
        var missing = await Store.CompleteMultipartUploadAsync(Bucket, "m", upload.UploadId, [new(1, ETagOf(p1)), new(2, "\"x\"")], Info("m", p1), default, default);
        Assert.Equal(S3ErrorCode.InvalidPart, missing.Error);

        await PutAsync(Store, Bucket, "m", Body(32, 5));
        var refused = await Store.CompleteMultipartUploadAsync(Bucket, "m", upload.UploadId, [new(1, ETagOf(p1))], Info("m", p1), new WriteCondition(true, null), default);
        Assert.Equal(S3ErrorCode.PreconditionFailed, refused.Error);
        Assert.True(Store.GetMultipartUpload(Bucket, "m", upload.UploadId).IsSuccess); // a refused completion keeps the upload
        Assert.Equal(Body(32, 5), await GetBytesAsync(Store, Bucket, "m"));

        Assert.True((await Store.AbortMultipartUploadAsync(Bucket, "m", upload.UploadId, default)).IsSuccess);
        Assert.Equal(S3ErrorCode.NoSuchUpload, Store.ListParts(Bucket, "m", upload.UploadId).Error);
    }

    [Fact]
    public async Task Uploads_list_by_key_then_initiation_with_prefix()
    {
        var b = Store.CreateMultipartUpload(Bucket, Info("x/b", []), null, false).Value!;
        var a = Store.CreateMultipartUpload(Bucket, Info("x/a", []), null, false).Value!;
        var other = Store.CreateMultipartUpload(Bucket, Info("y", []), null, false).Value!;
        Assert.Equal([a.UploadId, b.UploadId], Store.ListMultipartUploads(Bucket, "x/").Value!.Select(u => u.UploadId));
        Assert.Equal(3, Store.ListMultipartUploads(Bucket, "").Value!.Count);
        AssertSameUpload(other, Store.ListMultipartUploads(Bucket, "y").Value!.Single());
    }

    /// <summary>
    /// Pages of uploads follow S3's markers: (key, upload id) order, which is initiation order within
    /// a key; each upload once; keys compare as UTF-8 bytes, a NUL and a prefix included.
    /// </summary>
    [Fact]
    public void Uploads_page_by_key_and_upload_id_markers_each_once_in_order()
    {
        string[] keys = ["k", "ka", "k\0", "k", "k\0a", "b", "k"];
        var created = keys.Select(k => Store.CreateMultipartUpload(Bucket, Info(k, []), null, false).Value!).ToList();
        var expected = created.OrderBy(u => u.Key, Utf8KeyComparer.Instance).ThenBy(u => u.Initiated).ThenBy(u => u.UploadId, StringComparer.Ordinal).ToList();
        Assert.Equal(["b", "k", "k", "k", "k\0", "k\0a", "ka"], expected.Select(u => u.Key));
        Assert.Equal(expected.Select(u => u.UploadId), Store.ListMultipartUploads(Bucket, "").Value!.Select(u => u.UploadId));

        // Walk pages of two the way the S3 layer does: the last upload of a page is the next marker.
        var seen = new List<string>();
        string keyMarker = "", idMarker = "";
        for (var pages = 0; pages < 10; pages++)
        {
            var page = Store.ListMultipartUploads(Bucket, "", keyMarker, idMarker, 2).Value!;
            seen.AddRange(page.Select(u => u.UploadId));
            if (page.Count < 2)
            {
                break;
            }

            (keyMarker, idMarker) = (page[^1].Key, page[^1].UploadId);
        }

        Assert.Equal(expected.Select(u => u.UploadId), seen);
        Assert.Equal(["k\0", "k\0a"], Store.ListMultipartUploads(Bucket, "k\0").Value!.Select(u => u.Key));
        Assert.Equal(["k\0", "k\0a", "ka"], Store.ListMultipartUploads(Bucket, "k", keyMarker: "k").Value!.Select(u => u.Key)); // no id marker: after the key
        Assert.Equal(["ka"], Store.ListMultipartUploads(Bucket, "ka", keyMarker: "b").Value!.Select(u => u.Key)); // a marker before the prefix
        Assert.Equal(2, Store.ListMultipartUploads(Bucket, "k", keyMarker: "k", uploadIdMarker: expected[1].UploadId).Value!.Count(u => u.Key == "k"));
    }

    /// <summary>An upload read back (the engine decodes it from its index) equals the one created.</summary>
    protected static void AssertSameUpload(MultipartUpload expected, MultipartUpload actual)
    {
        Assert.Equal(expected with { Template = actual.Template }, actual);
        AssertSameInfo(expected.Template, actual.Template);
    }

    protected static void AssertSameInfo(ObjectInfo expected, ObjectInfo actual)
    {
        Assert.Equal(expected with { UserMetadata = [], PartSizes = [] }, actual with { UserMetadata = [], PartSizes = [] });
        Assert.Equal(expected.UserMetadata, actual.UserMetadata);
        Assert.Equal(expected.PartSizes, actual.PartSizes);
        Assert.Equal(expected.LastModified.Offset, actual.LastModified.Offset);
    }
}
