using FastS3.Auth;
using FastS3.Common.Errors;

namespace FastS3.S3;

/// <summary>Runs SigV4 / presigned / SigV2 / header-key verification for every request and turns
/// a refusal into the S3 error (with StringToSign and CanonicalRequest where S3 gives them).</summary>
public sealed class RequestAuthenticator(S3Authenticator authenticator, TimeProvider clock) : IS3Authenticator
{
    public ValueTask AuthenticateAsync(S3Request request)
    {
        var result = authenticator.Authenticate(request.Head, clock.GetUtcNow());
        if (!result.Succeeded)
        {
            List<KeyValuePair<string, string>>? extra = null;
            if (result.Error == S3ErrorCode.SignatureDoesNotMatch)
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
        return ValueTask.CompletedTask;
    }
}
