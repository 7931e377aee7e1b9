using System.Globalization;
using System.Security.Cryptography;
using FastS3.Auth.Checksums;
using FastS3.Auth.Chunked;
using FastS3.Auth.Credentials;
using FastS3.Common.Errors;
using Xunit;

namespace FastS3.Auth.Tests;

/// <summary>
/// Every captured client request (native-tests/data/corpus) authenticates with the corpus
/// secret (clock checks off: the files are dated 2026-11-24), and every body verifies the way
/// the HTTP layer will verify it: payload hash, aws-chunked signatures and trailer, checksums.
/// </summary>
public class CorpusTests
{
    private static readonly DateTimeOffset CaptureDay = new(2026, 11, 24, 23, 58, 0, TimeSpan.Zero);

    public static TheoryData<string> Files() => [.. TestData.CorpusFiles()];

    internal static S3Authenticator CorpusAuthenticator(bool checkTime = false) => new(
        CredentialStore.Parse($"{TestData.CorpusAccessKey}:{TestData.CorpusSecret}\nOTHERKEY:othersecret\n"),
        new S3AuthOptions { Region = "us-east-1", CheckRequestTime = checkTime });

    [Fact]
    public void Corpus_has_all_52_files() => Assert.Equal(52, Files().Count);

    [Theory]
    [MemberData(nameof(Files))]
    public void Request_authenticates_and_body_verifies(string file)
    {
        var request = RawRequest.Parse(TestData.Bytes(TestData.Corpus(file)));
        var auth = CorpusAuthenticator();
        var truncated = file.Contains("truncated", StringComparison.Ordinal);

        var result = auth.Authenticate(request, CaptureDay);
        if (file == "curl-put-object-data-binary.http")
        {
            // curl signed SHA-256(body) but sent no x-amz-content-sha256: without the body hash
            // the server cannot rebuild the canonical request.
            Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, result.Error);
            Assert.True(result.ContentSha256HeaderAbsent);
            result = auth.Authenticate(request, CaptureDay, SHA256.HashData(request.Body));
        }

        Assert.True(result.Succeeded, $"{file}: {result}\n{result.CanonicalRequest}");
        Assert.Equal(TestData.CorpusAccessKey, result.AccessKey);
        Assert.Equal(
            file switch
            {
                "urllib-get-object-presigned-default.http" => AuthScheme.SigV2Query,
                _ when file.StartsWith("urllib-", StringComparison.Ordinal) => AuthScheme.SigV4Query,
                _ => AuthScheme.SigV4Header,
            },
            result.Scheme);
        Assert.Equal(file.StartsWith("curl-", StringComparison.Ordinal) && !file.Contains("unsigned", StringComparison.Ordinal), result.ContentSha256HeaderAbsent);

        byte[] decoded;
        switch (result.PayloadMode)
        {
            case PayloadMode.SignedPayload:
                decoded = request.Body;
                if (file == "curl-put-object-upload-file.http")
                {
                    // curl -T signs SHA-256("") and then sends 67 bytes: the caller's body
                    // check must refuse it (XAmzContentSHA256Mismatch). Documented limitation.
                    Assert.Equal(Sha256Digest.Empty, result.ExpectedPayloadSha256);
                    Assert.False(result.ExpectedPayloadSha256.Matches(SHA256.HashData(decoded)));
                    return;
                }

                if (!truncated)
                {
                    Assert.True(result.ExpectedPayloadSha256.Matches(SHA256.HashData(decoded)), file);
                }

                break;

            case PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer:
                Assert.StartsWith("dotnet-", file, StringComparison.Ordinal);
                decoded = DecodeStreaming(file, request, result, truncated);
                break;

            default:
                Assert.Equal(PayloadMode.Unsigned, result.PayloadMode);
                decoded = request.Body;
                break;
        }

        if (truncated)
        {
            return;
        }

        foreach (var algorithm in new[] { ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C })
        {
            var header = request.Header(ChecksumNames.HeaderName(algorithm));
            if (header is not null)
            {
                Assert.Equal(header, ChecksumHasher.ComputeBase64(algorithm, decoded));
            }
        }

        var md5 = request.Header("Content-MD5");
        if (md5 is not null)
        {
            Assert.Equal(md5, ChecksumHasher.ComputeBase64(ChecksumAlgorithm.Md5, decoded));
        }
    }

    private static byte[] DecodeStreaming(string file, RawRequest request, AuthResult result, bool truncated)
    {
        var decodedLength = long.Parse(request.Header("x-amz-decoded-content-length")!, CultureInfo.InvariantCulture);
        var trailer = request.Header("x-amz-trailer") is { } t ? ChecksumNames.FromHeaderName(t) : ChecksumAlgorithm.None;
        using var decoder = new AwsChunkedDecoder();

        decoder.Reset(result.PayloadMode, result.Chunking, decodedLength, trailer);
        var whole = ChunkedDriver.Run(decoder, request.Body, finalBlock: !truncated);
        if (truncated)
        {
            // The file is the first complete chunk only: good so far, needs more bytes.
            Assert.Equal(AwsChunkedStatus.NeedMoreData, whole.Status);
            Assert.Equal(81_920, whole.Data.Length);
            Assert.Equal(0, whole.Leftover);

            decoder.Reset(result.PayloadMode, result.Chunking, decodedLength, trailer);
            var ended = ChunkedDriver.Run(decoder, request.Body, finalBlock: true);
            Assert.Equal(AwsChunkedError.IncompleteBody, ended.Error);
            return whole.Data;
        }

        Assert.True(whole.Status == AwsChunkedStatus.Completed, $"{file}: {whole.Error}");
        Assert.Equal(decodedLength, whole.Data.Length);
        Assert.Equal(decodedLength, decoder.DecodedLength);
        if (trailer != ChecksumAlgorithm.None)
        {
            using var hasher = new ChecksumHasher(trailer);
            hasher.Append(whole.Data);
            Assert.Equal(trailer, decoder.TrailerChecksumAlgorithm);
            Assert.True(hasher.Matches(decoder.TrailerChecksumValue), file);
        }

        // Same result when the body arrives in pieces cut at awkward places.
        var cuts = new[] { 1, 2, 5, 17, 80, 81, 82, 83, 84, 85, 100, 150, request.Body.Length - 3, request.Body.Length - 1 };
        decoder.Reset(result.PayloadMode, result.Chunking, decodedLength, trailer);
        var pieces = ChunkedDriver.Run(decoder, request.Body, cuts);
        Assert.Equal(AwsChunkedStatus.Completed, pieces.Status);
        Assert.Equal(whole.Data, pieces.Data);
        return whole.Data;
    }

    [Fact]
    public void Every_prefix_of_a_chunked_body_needs_more_and_never_fails()
    {
        var request = RawRequest.Parse(TestData.Bytes(TestData.Corpus("dotnet-put-object-default.http")));
        var result = CorpusAuthenticator().Authenticate(request, CaptureDay);
        using var decoder = new AwsChunkedDecoder();
        for (var n = 0; n < request.Body.Length; n++)
        {
            decoder.Reset(result.PayloadMode, result.Chunking, 67, ChecksumAlgorithm.Crc32);
            var outcome = ChunkedDriver.Run(decoder, request.Body[..n], finalBlock: false);
            Assert.True(outcome.Status == AwsChunkedStatus.NeedMoreData, $"prefix {n}: {outcome.Status} {outcome.Error}");
        }
    }

    [Fact]
    public void Sigv4_presigned_corpus_url_expires_after_an_hour_when_clock_checked()
    {
        var request = RawRequest.Parse(TestData.Bytes(TestData.Corpus("urllib-get-object-presigned-sigv4.http")));
        var auth = CorpusAuthenticator(checkTime: true);
        var signedAt = new DateTimeOffset(2026, 11, 24, 23, 55, 55, TimeSpan.Zero);
        Assert.True(auth.Authenticate(request, signedAt.AddMinutes(59)).Succeeded);
        var expired = auth.Authenticate(request, signedAt.AddSeconds(3601));
        Assert.Equal(S3ErrorCode.AccessDenied, expired.Error);
        Assert.Equal("Request has expired", expired.Message);
    }

    [Fact]
    public void Sigv2_presigned_corpus_url_expires_when_clock_checked()
    {
        var request = RawRequest.Parse(TestData.Bytes(TestData.Corpus("urllib-get-object-presigned-default.http")));
        var auth = CorpusAuthenticator(checkTime: true);
        var expires = DateTimeOffset.FromUnixTimeSeconds(1795568141);
        Assert.True(auth.Authenticate(request, expires.AddMinutes(-5)).Succeeded);
        Assert.Equal(S3ErrorCode.AccessDenied, auth.Authenticate(request, expires.AddSeconds(1)).Error);
    }
}
