using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using FastS3.Auth.Checksums;
using ChecksumAlgorithm = Amazon.S3.ChecksumAlgorithm;

namespace FastS3.Tests;

/// <summary>Multipart checksums: per-part values, FULL_OBJECT combination and COMPOSITE "-N" values,
/// checked against checksums computed here over the same bytes.</summary>
public abstract class MultipartChecksumTests(ServerFixture server)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Transfer_utility_crc32_upload_gets_the_full_object_crc32()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        var data = RandomNumberGenerator.GetBytes((12 * MiB) + 123);
        using var transfer = new TransferUtility(s3);
        await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = bucket, Key = "full", InputStream = new MemoryStream(data), PartSize = 5 * MiB, ChecksumAlgorithm = ChecksumAlgorithm.CRC32 });

        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "full", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(ChecksumHasher.ComputeBase64(FastS3.Auth.Checksums.ChecksumAlgorithm.Crc32, data), head.ChecksumCRC32);
    }

    [Fact]
    public async Task Upload_without_an_algorithm_gets_a_full_object_crc64nvme()
    {
        using var s3 = server.Client(c => c.RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED);
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        var p1 = RandomNumberGenerator.GetBytes(5 * MiB);
        var p2 = RandomNumberGenerator.GetBytes(777);
        var init = await s3.InitiateMultipartUploadAsync(bucket, "default");
        var r1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "default", UploadId = init.UploadId, PartNumber = 1, InputStream = new MemoryStream(p1) });
        var r2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "default", UploadId = init.UploadId, PartNumber = 2, InputStream = new MemoryStream(p2) });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "default", UploadId = init.UploadId, PartETags = [new PartETag(1, r1.ETag), new PartETag(2, r2.ETag)] });

        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "default", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(ChecksumHasher.ComputeBase64(FastS3.Auth.Checksums.ChecksumAlgorithm.Crc64Nvme, [.. p1, .. p2]), head.ChecksumCRC64NVME);
    }

    [Fact]
    public async Task Sha256_upload_gets_a_composite_checksum_of_the_part_checksums()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        var p1 = RandomNumberGenerator.GetBytes(5 * MiB);
        var p2 = RandomNumberGenerator.GetBytes(1000);
        var init = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "composite", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        var r1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "composite", UploadId = init.UploadId, PartNumber = 1, InputStream = new MemoryStream(p1), ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        var r2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "composite", UploadId = init.UploadId, PartNumber = 2, InputStream = new MemoryStream(p2), ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(p1)), r1.ChecksumSHA256);

        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "composite", UploadId = init.UploadId,
            PartETags = [new PartETag { PartNumber = 1, ETag = r1.ETag, ChecksumSHA256 = r1.ChecksumSHA256 }, new PartETag { PartNumber = 2, ETag = r2.ETag, ChecksumSHA256 = r2.ChecksumSHA256 }],
        });
        var expected = Convert.ToBase64String(SHA256.HashData([.. SHA256.HashData(p1), .. SHA256.HashData(p2)])) + "-2";
        Assert.Equal(expected, done.ChecksumSHA256);

        var wrong = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "wrong", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        var w1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "wrong", UploadId = wrong.UploadId, PartNumber = 1, InputStream = new MemoryStream(p2), ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        var mismatch = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "wrong", UploadId = wrong.UploadId,
            PartETags = [new PartETag { PartNumber = 1, ETag = w1.ETag, ChecksumSHA256 = r1.ChecksumSHA256 }],
        }));
        Assert.Equal("InvalidPart", mismatch.ErrorCode);
    }
}

/// <summary>The tests above against the in-memory store.</summary>
public sealed class MemoryMultipartChecksumTests(MemoryServerFixture server) : MultipartChecksumTests(server), IClassFixture<MemoryServerFixture>;

/// <summary>The tests above against the persistent engine.</summary>
public sealed class EngineMultipartChecksumTests(EngineServerFixture server) : MultipartChecksumTests(server), IClassFixture<EngineServerFixture>;
