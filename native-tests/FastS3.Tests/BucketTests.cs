using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace FastS3.Tests;

public abstract class BucketTests(ServerFixture server)
{
    [Fact]
    public async Task Bucket_lifecycle_create_head_list_location_versioning_delete()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);

        var head = await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket });
        Assert.Equal(HttpStatusCode.OK, head.HttpStatusCode);

        var list = await s3.ListBucketsAsync();
        Assert.Contains(list.Buckets, b => b.BucketName == bucket);

        var location = await s3.GetBucketLocationAsync(bucket);
        Assert.True(string.IsNullOrEmpty(location.Location?.Value) || location.Location.Value == "us-east-1");

        var versioning = await s3.GetBucketVersioningAsync(bucket);
        Assert.NotEqual(VersionStatus.Enabled, versioning.VersioningConfig.Status);

        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketAsync(bucket));
        Assert.Equal("BucketAlreadyOwnedByYou", again.ErrorCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var notEmpty = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(bucket));
        Assert.Equal("BucketNotEmpty", notEmpty.ErrorCode);

        await s3.DeleteObjectAsync(bucket, "k");
        await s3.DeleteBucketAsync(bucket);
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        Assert.Equal("NoSuchBucket", gone.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("UpperCase")]
    [InlineData("bad..dots")]
    [InlineData("192.168.1.1")]
    [InlineData("-leading-dash")]
    public async Task Invalid_bucket_names_are_refused(string name)
    {
        using var s3 = server.Client();
        var ex = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketAsync(name));
        Assert.Equal("InvalidBucketName", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
    }

    [Fact]
    public async Task Unversioned_bucket_lists_null_versions()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "1" });
        var versions = await s3.ListVersionsAsync(bucket);
        var v = Assert.Single(versions.Versions);
        Assert.Equal("a", v.Key);
        Assert.Equal("null", v.VersionId);
        Assert.True(v.IsLatest);
    }
}

/// <summary>The tests above against the in-memory store.</summary>
public sealed class MemoryBucketTests(MemoryServerFixture server) : BucketTests(server), IClassFixture<MemoryServerFixture>;

/// <summary>The tests above against the persistent engine.</summary>
public sealed class EngineBucketTests(EngineServerFixture server) : BucketTests(server), IClassFixture<EngineServerFixture>;
