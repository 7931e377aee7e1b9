using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;

namespace FastS3.Tests;

public abstract class MultipartTests(ServerFixture server)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Hundred_MiB_transfer_utility_round_trip_is_byte_exact()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        var data = new byte[100 * MiB];
        new Random(42).NextBytes(data);

        using var transfer = new TransferUtility(s3);
        await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = bucket, Key = "big", InputStream = new MemoryStream(data), PartSize = 16 * MiB });

        var head = await s3.GetObjectMetadataAsync(bucket, "big");
        Assert.Equal(data.Length, head.ContentLength);
        Assert.EndsWith("-7\"", head.ETag, StringComparison.Ordinal);

        using var get = await s3.GetObjectAsync(bucket, "big");
        using var sha = SHA256.Create();
        var digest = await sha.ComputeHashAsync(get.ResponseStream);
        Assert.Equal(SHA256.HashData(data), digest);
    }

    [Fact]
    public async Task Complete_validates_parts_and_computes_the_multipart_etag()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        var init = await s3.InitiateMultipartUploadAsync(bucket, "mp");
        var p1 = RandomNumberGenerator.GetBytes(5 * MiB);
        var p2 = RandomNumberGenerator.GetBytes(1000);
        var r1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = 1, InputStream = new MemoryStream(p1) });
        var r2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = init.UploadId, PartNumber = 2, InputStream = new MemoryStream(p2) });

        var parts = await s3.ListPartsAsync(bucket, "mp", init.UploadId);
        Assert.Equal([1, 2], parts.Parts.Select(p => p.PartNumber ?? 0).ToArray());

        var uploads = await s3.ListMultipartUploadsAsync(bucket);
        Assert.Contains(uploads.MultipartUploads, u => u.UploadId == init.UploadId);

        var order = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "mp", UploadId = init.UploadId,
            PartETags = [new PartETag(1, r1.ETag), new PartETag(1, r1.ETag)],
        }));
        Assert.Equal("InvalidPartOrder", order.ErrorCode);

        var invalid = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "mp", UploadId = init.UploadId,
            PartETags = [new PartETag(1, r1.ETag), new PartETag(3, r2.ETag)],
        }));
        Assert.Equal("InvalidPart", invalid.ErrorCode);

        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "mp", UploadId = init.UploadId,
            PartETags = [new PartETag(1, r1.ETag), new PartETag(2, r2.ETag)],
        });
        var expected = MD5.HashData([.. MD5.HashData(p1), .. MD5.HashData(p2)]);
        Assert.Equal("\"" + Convert.ToHexStringLower(expected) + "-2\"", done.ETag);

        using var get = await s3.GetObjectAsync(bucket, "mp");
        using var ms = new MemoryStream();
        await get.ResponseStream.CopyToAsync(ms);
        Assert.Equal([.. p1, .. p2], ms.ToArray());

        using (var part2 = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mp", PartNumber = 2 }))
        {
            Assert.Equal(HttpStatusCode.PartialContent, part2.HttpStatusCode);
            Assert.Equal(2, part2.PartsCount);
            using var partBytes = new MemoryStream();
            await part2.ResponseStream.CopyToAsync(partBytes);
            Assert.Equal(p2, partBytes.ToArray());
        }

        var beyond = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mp", PartNumber = 3 }));
        Assert.Equal("InvalidPartNumber", beyond.ErrorCode);

        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListPartsAsync(bucket, "mp", init.UploadId));
        Assert.Equal("NoSuchUpload", gone.ErrorCode);
    }

    [Fact]
    public async Task Small_non_last_part_is_entity_too_small_and_abort_removes_the_upload()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        var init = await s3.InitiateMultipartUploadAsync(bucket, "small");
        var r1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "small", UploadId = init.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[100]) });
        var r2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "small", UploadId = init.UploadId, PartNumber = 2, InputStream = new MemoryStream(new byte[100]) });
        var small = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "small", UploadId = init.UploadId,
            PartETags = [new PartETag(1, r1.ETag), new PartETag(2, r2.ETag)],
        }));
        Assert.Equal("EntityTooSmall", small.ErrorCode);

        var abort = await s3.AbortMultipartUploadAsync(bucket, "small", init.UploadId);
        Assert.Equal(HttpStatusCode.NoContent, abort.HttpStatusCode);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "small", UploadId = init.UploadId, PartNumber = 3, InputStream = new MemoryStream(new byte[1]) }));
        Assert.Equal("NoSuchUpload", missing.ErrorCode);
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "small"));
    }

    [Fact]
    public async Task Upload_part_copy_takes_a_range_of_an_existing_object()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        var source = RandomNumberGenerator.GetBytes(6 * MiB);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "source", InputStream = new MemoryStream(source) });
        var init = await s3.InitiateMultipartUploadAsync(bucket, "assembled");
        var c1 = await s3.CopyPartAsync(new CopyPartRequest { SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "assembled", UploadId = init.UploadId, PartNumber = 1, FirstByte = 0, LastByte = (5 * MiB) - 1 });
        var c2 = await s3.CopyPartAsync(new CopyPartRequest { SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "assembled", UploadId = init.UploadId, PartNumber = 2, FirstByte = 5 * MiB, LastByte = source.Length - 1 });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "assembled", UploadId = init.UploadId,
            PartETags = [new PartETag(1, c1.ETag), new PartETag(2, c2.ETag)],
        });
        using var get = await s3.GetObjectAsync(bucket, "assembled");
        using var ms = new MemoryStream();
        await get.ResponseStream.CopyToAsync(ms);
        Assert.Equal(source, ms.ToArray());
    }
}

/// <summary>The tests above against the in-memory store.</summary>
public sealed class MemoryMultipartTests(MemoryServerFixture server) : MultipartTests(server), IClassFixture<MemoryServerFixture>;

/// <summary>The tests above against the persistent engine.</summary>
public sealed class EngineMultipartTests(EngineServerFixture server) : MultipartTests(server), IClassFixture<EngineServerFixture>;
