using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FastS3.Auth.Checksums;
using FastS3.Auth.Chunked;
using FastS3.Auth.Credentials;
using FastS3.Auth.SigV4;
using FastS3.Common.Errors;
using Xunit;

namespace FastS3.Auth.Tests;

/// <summary>The worked examples of the S3 API Reference SigV4 pages (vectors/s3-examples), checked through the verifier.</summary>
public class S3ExamplesTests
{
    private static readonly DateTimeOffset ExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
    private const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    internal static S3Authenticator ExampleAuthenticator() =>
        new(new CredentialStore([new Credential(AccessKey, Secret)]), new S3AuthOptions { Region = "us-east-1" });

    private static JsonElement Load(string name) =>
        JsonDocument.Parse(File.ReadAllBytes(TestData.Vectors("s3-examples/" + name + ".json"))).RootElement;

    /// <summary>Builds the example request; the path is sent as printed (raw '$' included).</summary>
    private static BufferedRequestHead Head(JsonElement ex, string? signedHeadersOverride = null)
    {
        var query = string.Join("&", ex.GetProperty("query").EnumerateArray().Select(p => p[0].GetString() + "=" + p[1].GetString()));
        var head = new BufferedRequestHead(ex.GetProperty("method").GetString()!, ex.GetProperty("path").GetString()!, query);
        foreach (var h in ex.GetProperty("headers").EnumerateArray())
        {
            head.Add(h[0].GetString()!, h[1].GetString()!);
        }

        if (signedHeadersOverride is not null)
        {
            // The trailer page prints an Authorization header that contradicts its own canonical
            // request (see the vectors README); sign with the canonical request's header list.
            var sig = ex.GetProperty("seed_signature").GetString();
            head.Add("Authorization", $"AWS4-HMAC-SHA256 Credential={AccessKey}/20130524/us-east-1/s3/aws4_request,SignedHeaders={signedHeadersOverride},Signature={sig}");
        }
        else if (ex.TryGetProperty("authorization", out var authz))
        {
            head.Add("Authorization", authz.GetString()!);
        }

        return head;
    }

    [Theory]
    [InlineData("get-object-range")]
    [InlineData("put-object")]
    [InlineData("get-bucket-lifecycle")]
    [InlineData("get-bucket-list-objects")]
    public void Header_signed_example_verifies(string name)
    {
        var ex = Load(name);
        var head = Head(ex);
        var result = ExampleAuthenticator().Authenticate(head, ExampleTime);
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(PayloadMode.SignedPayload, result.PayloadMode);

        // The signer (same canonicalizer) reproduces the printed canonical request and signature.
        var signed = ex.GetProperty("authorization").GetString()!.Split("SignedHeaders=")[1].Split(',')[0];
        var signer = new SigV4Signer(AccessKey, Secret);
        var payload = head.Headers.First(h => h.Name == "x-amz-content-sha256").Value;
        var signature = signer.Sign(head, ExampleTime, payload, signed.Split(';'));
        Assert.Equal(ex.GetProperty("canonical_request").GetString(), signature.CanonicalRequest);
        Assert.Equal(ex.GetProperty("string_to_sign").GetString(), signature.StringToSign);
        Assert.Equal(ex.GetProperty("signature").GetString(), signature.SignatureHex);
    }

    [Fact]
    public void Put_object_example_payload_hash_is_the_body_hash()
    {
        var ex = Load("put-object");
        var result = ExampleAuthenticator().Authenticate(Head(ex), ExampleTime);
        Assert.True(result.ExpectedPayloadSha256.Matches(SHA256.HashData("Welcome to Amazon S3."u8)));
    }

    [Fact]
    public void Tampered_example_reports_canonical_request_and_string_to_sign()
    {
        var ex = Load("get-object-range");
        var head = Head(ex).Add("Range", "bytes=0-10");
        var result = ExampleAuthenticator().Authenticate(head, ExampleTime);
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, result.Error);
        Assert.Contains("range:bytes=0-9,bytes=0-10", result.CanonicalRequest, StringComparison.Ordinal);
        Assert.StartsWith("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n", result.StringToSign, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("put-object-chunked", null)]
    [InlineData("put-object-chunked-trailer", "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer")]
    public void Chunked_example_seed_and_every_chunk_signature_verify(string name, string? signedHeaders)
    {
        var ex = Load(name);
        var head = Head(ex, signedHeaders);
        var result = ExampleAuthenticator().Authenticate(head, ExampleTime);
        Assert.True(result.Succeeded, result.ToString() + "\n" + result.CanonicalRequest);
        Assert.NotNull(result.Chunking);
        Assert.Equal(ex.GetProperty("seed_signature").GetString(), Convert.ToHexStringLower(result.Chunking!.SeedSignature));

        // Body exactly as the page describes it: printed chunk headers, 'a' data, CRLFs.
        var payload = Enumerable.Repeat((byte)'a', 66560).ToArray();
        var body = new MemoryStream();
        var offset = 0;
        foreach (var chunk in ex.GetProperty("chunks").EnumerateArray())
        {
            var size = chunk.GetProperty("size").GetInt32();
            body.Write(Encoding.ASCII.GetBytes(chunk.GetProperty("chunk_header_sent").GetString() + "\r\n"));
            if (size > 0)
            {
                body.Write(payload, offset, size);
                body.Write("\r\n"u8);
                offset += size;
            }

            // The published chunk string to sign is what the shared code produces.
        }

        var trailerAlgorithm = ChecksumAlgorithm.None;
        if (ex.TryGetProperty("trailer", out var trailer))
        {
            foreach (var line in trailer.GetProperty("lines_sent").EnumerateArray())
            {
                body.Write(Encoding.ASCII.GetBytes(line.GetString() + "\r\n"));
            }

            trailerAlgorithm = ChecksumAlgorithm.Crc32C;
        }

        body.Write("\r\n"u8);

        using var decoder = new AwsChunkedDecoder();
        decoder.Reset(result.PayloadMode, result.Chunking, 66560, trailerAlgorithm);
        var outcome = ChunkedDriver.Run(decoder, body.ToArray());
        Assert.Equal(AwsChunkedStatus.Completed, outcome.Status);
        Assert.Equal(payload, outcome.Data);
        if (trailerAlgorithm != ChecksumAlgorithm.None)
        {
            Assert.Equal("sOO8/Q==", Encoding.ASCII.GetString(decoder.TrailerChecksumValue));
        }

        // The encoder produces the same published chunk signatures (and trailer signature).
        var encoded = AwsChunkedEncoder.Encode(payload, [65536, 1024], result.Chunking, trailerAlgorithm);
        Assert.Equal(body.ToArray(), encoded);

        var first = ex.GetProperty("chunks")[0];
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload.AsSpan(0, 65536), hash);
        Assert.Equal(first.GetProperty("string_to_sign").GetString(), result.Chunking.ChunkStringToSign(result.Chunking.SeedSignature, hash));
    }

    [Fact]
    public void Presigned_example_verifies_within_its_day_and_expires_after()
    {
        var ex = Load("presigned-get-object");
        var head = Head(ex);
        var auth = ExampleAuthenticator();
        var ok = auth.Authenticate(head, ExampleTime.AddHours(23));
        Assert.True(ok.Succeeded, ok.ToString() + "\n" + ok.CanonicalRequest);
        Assert.Equal(AuthScheme.SigV4Query, ok.Scheme);
        Assert.Equal(PayloadMode.Unsigned, ok.PayloadMode);

        var expired = auth.Authenticate(head, ExampleTime.AddHours(24).AddSeconds(1));
        Assert.Equal(S3ErrorCode.AccessDenied, expired.Error);
        Assert.Equal("Request has expired", expired.Message);

        // The signer produces the published presigned query.
        var query = new SigV4Signer(AccessKey, Secret).Presign("GET", "/test.txt", "", "examplebucket.s3.amazonaws.com", ExampleTime, 86400);
        Assert.EndsWith("X-Amz-Signature=" + ex.GetProperty("signature").GetString(), query, StringComparison.Ordinal);
    }

    [Fact]
    public void Decoder_accepts_multi_segment_input_from_a_sequence_reader()
    {
        var ex = Load("put-object-chunked");
        var result = ExampleAuthenticator().Authenticate(Head(ex), ExampleTime);
        var payload = Enumerable.Repeat((byte)'a', 66560).ToArray();
        var encoded = AwsChunkedEncoder.Encode(payload, [65536, 1024], result.Chunking);
        var sequence = Segments.Of(encoded.AsMemory(0, 40), encoded.AsMemory(40, 66000), encoded.AsMemory(66040));
        var reader = new SequenceReader<byte>(sequence);
        using var decoder = new AwsChunkedDecoder();
        decoder.Reset(result.PayloadMode, result.Chunking, 66560);
        long total = 0;
        AwsChunkedStatus status;
        while ((status = decoder.Decode(ref reader, out var data, isFinalBlock: true)) == AwsChunkedStatus.Data)
        {
            total += data.Length;
        }

        Assert.Equal(AwsChunkedStatus.Completed, status);
        Assert.Equal(66560, total);
    }
}
