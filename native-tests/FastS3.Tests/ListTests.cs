using Amazon.S3;
using Amazon.S3.Model;

namespace FastS3.Tests;

public abstract class ListTests(ServerFixture server)
{
    [Fact]
    public async Task V2_pagination_with_delimiter_never_repeats_a_common_prefix()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        var keys = new List<string>();
        for (var d = 0; d < 4; d++)
        {
            for (var f = 0; f < 3; f++)
            {
                keys.Add($"dir{d}/file{f}");
            }
        }

        keys.AddRange(["top1", "top2", "top3"]);
        foreach (var k in keys)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = "x" });
        }

        var prefixes = new List<string>();
        var objects = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/", MaxKeys = 2, ContinuationToken = token });
            pages++;
            prefixes.AddRange(page.CommonPrefixes ?? []);
            objects.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            Assert.Equal((page.CommonPrefixes?.Count ?? 0) + (page.S3Objects?.Count ?? 0), page.KeyCount);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null && pages < 20);

        Assert.Equal(["dir0/", "dir1/", "dir2/", "dir3/"], prefixes);
        Assert.Equal(["top1", "top2", "top3"], objects);
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task V1_marker_pagination_and_prefix()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        for (var i = 0; i < 7; i++)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"p/{i:D2}", ContentBody = "x" });
        }

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "q/other", ContentBody = "x" });
        var seen = new List<string>();
        string? marker = null;
        for (var guard = 0; guard < 10; guard++)
        {
            var page = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Prefix = "p/", MaxKeys = 3, Marker = marker });
            seen.AddRange(page.S3Objects.Select(o => o.Key));
            if (page.IsTruncated != true)
            {
                break;
            }

            marker = page.NextMarker ?? page.S3Objects[^1].Key;
        }

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"p/{i:D2}"), seen);
    }

    [Fact]
    public async Task Max_keys_is_capped_at_1000_and_invalid_values_are_refused()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucket();
        await s3.PutBucketAsync(bucket);
        var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 5000 });
        Assert.Equal(1000, page.MaxKeys);

        // A max-keys that is not a number: the SDK never sends one, so sign the URL here.
        var signer = new FastS3.Auth.SigV4.SigV4Signer(ServerFixture.AccessKey, ServerFixture.SecretKey);
        var host = server.Host.Endpoint.ToString();
        var query = signer.Presign("GET", "/" + bucket, "list-type=2&max-keys=lots", host, DateTimeOffset.UtcNow, 300);
        using var http = new HttpClient();
        var bad = await http.GetAsync($"http://{host}/{bucket}?{query}");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("<Code>InvalidArgument</Code>", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>The tests above against the in-memory store.</summary>
public sealed class MemoryListTests(MemoryServerFixture server) : ListTests(server), IClassFixture<MemoryServerFixture>;

/// <summary>The tests above against the persistent engine.</summary>
public sealed class EngineListTests(EngineServerFixture server) : ListTests(server), IClassFixture<EngineServerFixture>;
