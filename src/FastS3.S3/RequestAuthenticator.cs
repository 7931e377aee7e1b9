using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using FastS3.Auth;
using FastS3.Common.Errors;

namespace FastS3.S3;

/// <summary>Runs SigV4 / presigned / SigV2 / header-key verification for every request and turns
/// a refusal into the S3 error (with StringToSign and CanonicalRequest where S3 gives them).</summary>
public sealed class RequestAuthenticator(S3Authenticator authenticator, TimeProvider clock) : IS3Authenticator
{
    /// <summary>
    /// Largest body buffered to verify a header signature whose payload hash was never sent
    /// (curl --aws-sigv4 signs the body's SHA-256 without an x-amz-content-sha256 header). The body
    /// is read before the signature is known to be good, so this bounds what an unauthenticated
    /// client can make the server hold: 8 MiB per connection.
    /// </summary>
    public const int MaxUnhashedBodyBytes = 8 * 1024 * 1024;

    public async ValueTask AuthenticateAsync(S3Request request)
    {
        var now = clock.GetUtcNow();
        var result = authenticator.Authenticate(request.Head, now);
        var head = request.Head;
        if (!result.Succeeded && result.ContentSha256HeaderAbsent && result.Error == S3ErrorCode.SignatureDoesNotMatch
            && head.ContentLength is > 0 and <= MaxUnhashedBodyBytes)
        {
            var body = await ReadWholeBodyAsync(request, (int)head.ContentLength);
            result = authenticator.Authenticate(head, now, SHA256.HashData(body));
            request.Body = PipeReader.Create(new ReadOnlySequence<byte>(body));
        }

        if (!result.Succeeded)
        {
            List<KeyValuePair<string, string>>? extra = null;
            if (result.Error == S3ErrorCode.AuthorizationHeaderMalformed)
            {
                // botocore's region redirector reads <Region> to retry in the right region.
                extra = [new("Region", authenticator.Options.Region)];
            }
            else if (result.Error == S3ErrorCode.SignatureDoesNotMatch)
            {
                extra = [];
                if (result.StringToSign is not null)
                {
                    extra.Add(new("StringToSign", result.StringToSign));
                }

                if (result.CanonicalRequest is not null)
                {
                    extra.Add(new("CanonicalRequest", result.CanonicalRequest));
                }

                if (result.AccessKey is not null)
                {
                    extra.Add(new("AWSAccessKeyId", result.AccessKey));
                }
            }

            throw new S3Exception(result.Error, result.Message) { Extra = extra is null ? null : new XmlExtra(extra) };
        }

        request.Auth = result;
        request.AccessKey = result.AccessKey;
    }

    private static async ValueTask<byte[]> ReadWholeBodyAsync(S3Request request, int length)
    {
        var body = new byte[length];
        var filled = 0;
        var reader = request.Http.Body;
        while (filled < length)
        {
            var read = await reader.ReadAsync(request.Aborted);
            foreach (var segment in read.Buffer)
            {
                var take = Math.Min(segment.Length, length - filled);
                segment.Span[..take].CopyTo(body.AsSpan(filled));
                filled += take;
            }

            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        if (filled != length)
        {
            throw new S3Exception(S3ErrorCode.IncompleteBody);
        }

        return body;
    }
}
