using System.Security.Cryptography;
using FastS3.Auth.Credentials;
using FastS3.Auth.SigV4;
using Xunit;

namespace FastS3.Auth.Tests;

public class SigningKeyCacheTests
{
    private static BufferedRequestHead Signed(SigV4Signer signer, DateTimeOffset time)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData([]));
        var head = new BufferedRequestHead("GET", "/b/k").Add("Host", "h").Add("X-Amz-Date", SigV4Signer.FormatAmzDate(time)).Add("x-amz-content-sha256", hash);
        return head.Add("Authorization", signer.Sign(head, time, hash).Authorization);
    }

    [Fact]
    public void Signing_key_is_derived_once_per_key_and_day()
    {
        var store = CredentialStore.Parse("AKIDA:secret-a\nAKIDB:secret-b\n");
        var auth = new S3Authenticator(store, new S3AuthOptions { CheckRequestTime = false });
        var a = new SigV4Signer("AKIDA", "secret-a");
        var b = new SigV4Signer("AKIDB", "secret-b");
        var day1 = new DateTimeOffset(2026, 3, 1, 0, 0, 1, TimeSpan.Zero);
        var day2 = day1.AddDays(1);

        for (var i = 0; i < 50; i++)
        {
            Assert.True(auth.Authenticate(Signed(a, day1.AddSeconds(i * 60)), day1).Succeeded);
            Assert.True(auth.Authenticate(Signed(b, day1.AddSeconds(i * 30)), day1).Succeeded);
        }

        Assert.Equal(2, auth.KeyCache.DerivationCount);

        for (var i = 0; i < 10; i++)
        {
            Assert.True(auth.Authenticate(Signed(a, day2.AddSeconds(i)), day2).Succeeded);
        }

        Assert.Equal(3, auth.KeyCache.DerivationCount);

        // Failed signatures use the cached key too (no extra derivation).
        var wrong = new SigV4Signer("AKIDA", "not-the-secret");
        Assert.False(auth.Authenticate(Signed(wrong, day2), day2).Succeeded);
        Assert.Equal(3, auth.KeyCache.DerivationCount);
    }

    [Fact]
    public void Derived_key_matches_the_documented_example()
    {
        // S3 API Reference examples use this secret; the seed signature of put-object-chunked
        // only comes out with the right key, so derive and sign its string to sign directly.
        var key = SigningKeyCache.Derive(new Credential("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), 20130524, "us-east-1", "s3");
        var sts = "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"u8;
        Assert.Equal("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", Convert.ToHexStringLower(HMACSHA256.HashData(key, sts)));
    }
}
