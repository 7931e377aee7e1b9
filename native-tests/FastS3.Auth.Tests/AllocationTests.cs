using System.Security.Cryptography;
using FastS3.Auth.Credentials;
using FastS3.Auth.SigV4;
using Xunit;

namespace FastS3.Auth.Tests;

/// <summary>Allocation budget of the hot path: verifying a header-signed PUT allocates nothing once the key is cached.</summary>
public class AllocationTests
{
    [Fact]
    public void Sigv4_header_verification_allocates_nothing_after_warmup()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var auth = new S3Authenticator(CredentialStore.Parse("AKIDALLOC:alloc-secret"), new S3AuthOptions());
        var hash = Convert.ToHexStringLower(SHA256.HashData(new byte[4096]));
        var head = new BufferedRequestHead("PUT", "/bucket/dir/object.bin", "partNumber=3&uploadId=xyz")
            .Add("Host", "127.0.0.1:9000").Add("Content-Type", "application/octet-stream").Add("x-amz-checksum-crc32", "BWUqWA==")
            .Add("X-Amz-Date", SigV4Signer.FormatAmzDate(now)).Add("X-Amz-Content-SHA256", hash).Add("Content-Length", "4096");
        head.Add("Authorization", new SigV4Signer("AKIDALLOC", "alloc-secret").Sign(head, now, hash).Authorization);

        for (var i = 0; i < 100; i++)
        {
            Assert.True(auth.Authenticate(head, now).Succeeded);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(auth.Authenticate(head, now).Succeeded);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
