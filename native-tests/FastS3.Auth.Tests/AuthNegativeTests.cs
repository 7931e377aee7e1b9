using System.Security.Cryptography;
using FastS3.Auth.Credentials;
using FastS3.Auth.SigV4;
using FastS3.Common.Errors;
using Xunit;

namespace FastS3.Auth.Tests;

/// <summary>Requests that must be refused, each with the S3 error a client would see.</summary>
public class AuthNegativeTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private const string Key = "AKIDNEGATIVE";
    private const string Secret = "negative/secret+key";

    private static S3Authenticator Auth(S3AuthOptions? options = null) =>
        new(CredentialStore.Parse($"{Key}:{Secret}"), options ?? new S3AuthOptions { Region = "eu-west-1" });

    private static BufferedRequestHead SignedPut(DateTimeOffset time, string region = "eu-west-1", string key = Key, string secret = Secret)
    {
        var body = "hello"u8.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        var head = new BufferedRequestHead("PUT", "/bucket/key.txt", "partNumber=1&uploadId=abc")
            .Add("Host", "localhost:9000")
            .Add("X-Amz-Date", SigV4Signer.FormatAmzDate(time))
            .Add("x-amz-content-sha256", hash)
            .Add("Content-Length", "5");
        var signature = new SigV4Signer(key, secret, region).Sign(head, time, hash);
        return head.Add("Authorization", signature.Authorization);
    }

    private static BufferedRequestHead WithAuthorization(BufferedRequestHead source, Func<string, string> edit)
    {
        var copy = new BufferedRequestHead("PUT", "/bucket/key.txt", "partNumber=1&uploadId=abc");
        foreach (var (name, value) in source.Headers)
        {
            copy.Add(name, name == "Authorization" ? edit(value) : value);
        }

        return copy;
    }

    [Fact]
    public void Valid_request_is_accepted_as_a_baseline()
    {
        var result = Auth().Authenticate(SignedPut(Now), Now);
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(Key, result.AccessKey);
        Assert.True(result.ExpectedPayloadSha256.Matches(SHA256.HashData("hello"u8)));
    }

    [Fact]
    public void Tampered_signature_is_SignatureDoesNotMatch_with_canonical_request()
    {
        var head = WithAuthorization(SignedPut(Now), a => a[..^1] + (a[^1] == '0' ? '1' : '0'));
        var result = Auth().Authenticate(head, Now);
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, result.Error);
        Assert.StartsWith("PUT\n/bucket/key.txt\npartNumber=1&uploadId=abc\n", result.CanonicalRequest, StringComparison.Ordinal);
        Assert.NotNull(result.StringToSign);
    }

    [Fact]
    public void Tampered_query_is_SignatureDoesNotMatch()
    {
        var source = SignedPut(Now);
        var head = new BufferedRequestHead("PUT", "/bucket/key.txt", "partNumber=2&uploadId=abc");
        foreach (var (name, value) in source.Headers)
        {
            head.Add(name, value);
        }

        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, Auth().Authenticate(head, Now).Error);
    }

    [Fact]
    public void Wrong_secret_is_SignatureDoesNotMatch() =>
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, Auth().Authenticate(SignedPut(Now, secret: "other"), Now).Error);

    [Fact]
    public void Wrong_region_is_AuthorizationHeaderMalformed_naming_the_expected_region()
    {
        var result = Auth().Authenticate(SignedPut(Now, region: "us-east-1"), Now);
        Assert.Equal(S3ErrorCode.AuthorizationHeaderMalformed, result.Error);
        Assert.Contains("expecting 'eu-west-1'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Skew_over_15_minutes_is_RequestTimeTooSkewed_both_ways()
    {
        Assert.Equal(S3ErrorCode.RequestTimeTooSkewed, Auth().Authenticate(SignedPut(Now.AddMinutes(-16)), Now).Error);
        Assert.Equal(S3ErrorCode.RequestTimeTooSkewed, Auth().Authenticate(SignedPut(Now.AddMinutes(16)), Now).Error);
        Assert.True(Auth().Authenticate(SignedPut(Now.AddMinutes(-14)), Now).Succeeded);
        var lenient = Auth(new S3AuthOptions { Region = "eu-west-1", CheckRequestTime = false });
        Assert.True(lenient.Authenticate(SignedPut(Now.AddDays(-300)), Now).Succeeded);
    }

    [Fact]
    public void Unknown_access_key_is_InvalidAccessKeyId() =>
        Assert.Equal(S3ErrorCode.InvalidAccessKeyId, Auth().Authenticate(SignedPut(Now, key: "AKIDUNKNOWN"), Now).Error);

    [Fact]
    public void Scope_date_differing_from_x_amz_date_is_malformed()
    {
        var head = WithAuthorization(SignedPut(Now), a => a.Replace("/20260301/", "/20260302/", StringComparison.Ordinal));
        var result = Auth().Authenticate(head, Now);
        Assert.Equal(S3ErrorCode.AuthorizationHeaderMalformed, result.Error);
        Assert.Contains("Date is not the same as X-Amz-Date", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDNEGATIVE/20260301/eu-west-1/s3/aws4_request, SignedHeaders=host")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDNEGATIVE/20260301/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=xyz")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDNEGATIVE, SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("AWS4-HMAC-SHA256 Foo=bar, Credential=AKIDNEGATIVE/20260301/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000")]
    public void Malformed_authorization_is_AuthorizationHeaderMalformed(string authorization)
    {
        var head = WithAuthorization(SignedPut(Now), _ => authorization);
        Assert.Equal(S3ErrorCode.AuthorizationHeaderMalformed, Auth().Authenticate(head, Now).Error);
    }

    [Fact]
    public void Host_must_be_signed()
    {
        var time = Now;
        var head = new BufferedRequestHead("GET", "/bucket/key").Add("Host", "h").Add("X-Amz-Date", SigV4Signer.FormatAmzDate(time))
            .Add("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
        var sig = new SigV4Signer(Key, Secret, "eu-west-1").Sign(head, time, "UNSIGNED-PAYLOAD", ["x-amz-date", "x-amz-content-sha256"]);
        head.Add("Authorization", sig.Authorization);
        Assert.Equal(S3ErrorCode.AccessDenied, Auth().Authenticate(head, Now).Error);
    }

    [Fact]
    public void Sigv4a_is_NotImplemented()
    {
        var head = WithAuthorization(SignedPut(Now), _ => "AWS4-ECDSA-P256-SHA256 Credential=AKIDNEGATIVE/20260301/s3/aws4_request, SignedHeaders=host, Signature=00");
        Assert.Equal(S3ErrorCode.NotImplemented, Auth().Authenticate(head, Now).Error);
    }

    [Fact]
    public void Bad_content_sha256_value_is_InvalidArgument()
    {
        var head = new BufferedRequestHead("PUT", "/b/k").Add("Host", "h").Add("X-Amz-Date", SigV4Signer.FormatAmzDate(Now)).Add("x-amz-content-sha256", "not-a-hash");
        head.Add("Authorization", new SigV4Signer(Key, Secret, "eu-west-1").Sign(head, Now, "not-a-hash").Authorization);
        Assert.Equal(S3ErrorCode.InvalidArgument, Auth().Authenticate(head, Now).Error);
    }

    [Fact]
    public void Anonymous_is_refused_unless_allowed()
    {
        var head = new BufferedRequestHead("GET", "/bucket/key").Add("Host", "h");
        Assert.Equal(S3ErrorCode.AccessDenied, Auth().Authenticate(head, Now).Error);
        var allowed = Auth(new S3AuthOptions { Region = "eu-west-1", AllowAnonymous = true }).Authenticate(head, Now);
        Assert.True(allowed.Succeeded);
        Assert.Equal(AuthScheme.Anonymous, allowed.Scheme);
        Assert.Null(allowed.AccessKey);
    }

    [Fact]
    public void Simple_header_auth_is_off_by_default_and_checks_the_secret()
    {
        var head = new BufferedRequestHead("GET", "/bucket/key").Add("Host", "h").Add("x-access-key", Key).Add("x-secret-key", Secret);
        Assert.Equal(S3ErrorCode.AccessDenied, Auth().Authenticate(head, Now).Error);
        var on = Auth(new S3AuthOptions { Region = "eu-west-1", AllowSimpleHeaderAuth = true });
        var ok = on.Authenticate(head, Now);
        Assert.True(ok.Succeeded);
        Assert.Equal(AuthScheme.SimpleHeader, ok.Scheme);
        Assert.Equal(Key, ok.AccessKey);
        var bad = new BufferedRequestHead("GET", "/bucket/key").Add("Host", "h").Add("x-access-key", Key).Add("x-secret-key", Secret + "x");
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, on.Authenticate(bad, Now).Error);
    }

    [Fact]
    public void Two_auth_mechanisms_are_refused()
    {
        var head = SignedPut(Now);
        var both = new BufferedRequestHead("PUT", "/bucket/key.txt", "X-Amz-Algorithm=AWS4-HMAC-SHA256");
        foreach (var (name, value) in head.Headers)
        {
            both.Add(name, value);
        }

        Assert.Equal(S3ErrorCode.InvalidArgument, Auth().Authenticate(both, Now).Error);
    }

    private static BufferedRequestHead Presigned(DateTimeOffset signedAt, long expires, string region = "eu-west-1")
    {
        var query = new SigV4Signer(Key, Secret, region).Presign("GET", "/bucket/some%20key", "versionId=3", "localhost:9000", signedAt, expires);
        return new BufferedRequestHead("GET", "/bucket/some%20key", query).Add("Host", "localhost:9000");
    }

    [Fact]
    public void Presigned_url_verifies_until_it_expires()
    {
        Assert.True(Auth().Authenticate(Presigned(Now, 600), Now.AddSeconds(599)).Succeeded);
        var expired = Auth().Authenticate(Presigned(Now, 600), Now.AddSeconds(601));
        Assert.Equal(S3ErrorCode.AccessDenied, expired.Error);
        Assert.Equal("Request has expired", expired.Message);
    }

    [Fact]
    public void Presigned_expires_over_seven_days_is_AuthorizationQueryParametersError()
    {
        Assert.True(Auth().Authenticate(Presigned(Now, 604800), Now).Succeeded);
        var result = Auth().Authenticate(Presigned(Now, 604801), Now);
        Assert.Equal(S3ErrorCode.AuthorizationQueryParametersError, result.Error);
        Assert.Contains("604800", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Presigned_wrong_region_and_tampering_are_refused()
    {
        Assert.Equal(S3ErrorCode.AuthorizationQueryParametersError, Auth().Authenticate(Presigned(Now, 600, "us-east-1"), Now).Error);
        var good = Presigned(Now, 600);
        var tampered = new BufferedRequestHead("GET", "/bucket/other%20key", System.Text.Encoding.UTF8.GetString(good.Query)).Add("Host", "localhost:9000");
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, Auth().Authenticate(tampered, Now).Error);
    }

    [Fact]
    public void Presigned_from_the_future_is_not_valid_yet() =>
        Assert.Equal("Request is not valid yet", Auth().Authenticate(Presigned(Now.AddHours(1), 600), Now).Message);

    [Fact]
    public void Sigv2_header_signature_verifies_and_tampering_fails()
    {
        var date = Now.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        var head = new BufferedRequestHead("PUT", "/bucket/photo.jpg", "acl").Add("Host", "h").Add("Date", date)
            .Add("Content-Type", "image/jpeg").Add("X-Amz-Meta-B", "2").Add("x-amz-meta-a", "1").Add("x-amz-meta-a", "0");
        var sts = $"PUT\n\nimage/jpeg\n{date}\nx-amz-meta-a:1,0\nx-amz-meta-b:2\n/bucket/photo.jpg?acl";
        var sig = Convert.ToBase64String(HMACSHA1.HashData(System.Text.Encoding.UTF8.GetBytes(Secret), System.Text.Encoding.UTF8.GetBytes(sts)));
        head.Add("Authorization", $"AWS {Key}:{sig}");
        var result = Auth().Authenticate(head, Now);
        Assert.True(result.Succeeded, result.ToString() + "\n" + result.StringToSign);
        Assert.Equal(AuthScheme.SigV2Header, result.Scheme);

        var skewed = Auth().Authenticate(head, Now.AddHours(1));
        Assert.Equal(S3ErrorCode.RequestTimeTooSkewed, skewed.Error);

        var bad = new BufferedRequestHead("PUT", "/bucket/photo.jpg", "acl").Add("Host", "h").Add("Date", date).Add("Content-Type", "image/png")
            .Add("X-Amz-Meta-B", "2").Add("x-amz-meta-a", "1").Add("x-amz-meta-a", "0").Add("Authorization", $"AWS {Key}:{sig}");
        var mismatch = Auth().Authenticate(bad, Now);
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, mismatch.Error);
        Assert.Contains("image/png", mismatch.StringToSign, StringComparison.Ordinal);
    }

    [Fact]
    public void Streaming_request_gets_a_chunk_context_seeded_with_its_signature()
    {
        var head = new BufferedRequestHead("PUT", "/b/k").Add("Host", "h").Add("X-Amz-Date", SigV4Signer.FormatAmzDate(Now))
            .Add("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD").Add("x-amz-decoded-content-length", "10");
        var sig = new SigV4Signer(Key, Secret, "eu-west-1").Sign(head, Now, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        head.Add("Authorization", sig.Authorization);
        var result = Auth().Authenticate(head, Now);
        Assert.Equal(PayloadMode.StreamingSigned, result.PayloadMode);
        Assert.Equal(sig.SignatureHex, Convert.ToHexStringLower(result.Chunking!.SeedSignature));
        Assert.Equal("20260301/eu-west-1/s3/aws4_request", result.Chunking.Scope);
    }
}
