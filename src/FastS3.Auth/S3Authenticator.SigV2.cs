using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FastS3.Auth.Credentials;
using FastS3.Auth.Internal;
using FastS3.Auth.SigV2;
using FastS3.Common.Errors;
using FastS3.Common.Http;

namespace FastS3.Auth;

public sealed partial class S3Authenticator
{
    private AuthResult AuthenticateSigV2Header<T>(in T head, ReadOnlySpan<byte> parameters, DateTimeOffset now)
        where T : IRequestHead, allows ref struct
    {
        const AuthScheme scheme = AuthScheme.SigV2Header;
        var colon = parameters.LastIndexOf((byte)':');
        if (colon <= 0)
        {
            return AuthResult.Fail(S3ErrorCode.InvalidArgument, scheme, "AWS authorization header is invalid. Expected AwsAccessKeyId:signature");
        }

        var accessKey = parameters[..colon].Trim((byte)' ');
        var signature = parameters[(colon + 1)..].Trim((byte)' ');
        if (!_credentials.TryGet(accessKey, out var credential))
        {
            return AuthResult.Fail(S3ErrorCode.InvalidAccessKeyId, scheme);
        }

        // With x-amz-date present the Date line of the string to sign is empty and x-amz-date
        // is signed among the amz headers (S3 Developer Guide, "Time stamp requirement").
        scoped ReadOnlySpan<byte> dateLine;
        scoped ReadOnlySpan<byte> timeText;
        if (HeadReader.Find(head, "x-amz-date"u8, out var amzDate) > 0)
        {
            dateLine = default;
            timeText = amzDate;
        }
        else if (HeadReader.Find(head, "date"u8, out var date) > 0)
        {
            dateLine = date;
            timeText = date;
        }
        else
        {
            return AuthResult.Fail(S3ErrorCode.AccessDenied, scheme, "AWS authentication requires a valid Date or x-amz-date header");
        }

        if (_options.CheckRequestTime)
        {
            if (!TryParseHttpDate(timeText, out var requestTime))
            {
                return AuthResult.Fail(S3ErrorCode.AccessDenied, scheme, "AWS authentication requires a valid Date or x-amz-date header");
            }

            if (IsSkewed(requestTime, now))
            {
                return AuthResult.Fail(S3ErrorCode.RequestTimeTooSkewed, scheme);
            }
        }

        return VerifySigV2(head, dateLine, signature, credential, scheme);
    }

    private AuthResult AuthenticateSigV2Query<T>(in T head, DateTimeOffset now)
        where T : IRequestHead, allows ref struct
    {
        const AuthScheme scheme = AuthScheme.SigV2Query;
        var query = head.Query;
        if (!HeadReader.TryGetQuery(query, "AWSAccessKeyId"u8, out var rawKey)
            || !HeadReader.TryGetQuery(query, "Signature"u8, out var rawSignature)
            || !HeadReader.TryGetQuery(query, "Expires"u8, out var expiresText))
        {
            return AuthResult.Fail(S3ErrorCode.AccessDenied, scheme, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        }

        Span<byte> key = stackalloc byte[CredentialStore.MaxAccessKeyLength];
        Span<byte> signature = stackalloc byte[256];
        if (!HeadReader.TryPercentDecode(rawKey, key, out var keyLength) || !HeadReader.TryPercentDecode(rawSignature, signature, out var signatureLength))
        {
            return AuthResult.Fail(S3ErrorCode.InvalidAccessKeyId, scheme);
        }

        if (!_credentials.TryGet(key[..keyLength], out var credential))
        {
            return AuthResult.Fail(S3ErrorCode.InvalidAccessKeyId, scheme);
        }

        if (!Ascii8.TryParseDecimal(expiresText, out var expires))
        {
            return AuthResult.Fail(S3ErrorCode.AccessDenied, scheme, "Invalid date (should be seconds since epoch)");
        }

        if (_options.CheckRequestTime && now.ToUnixTimeSeconds() > expires)
        {
            return AuthResult.Fail(S3ErrorCode.AccessDenied, scheme, "Request has expired");
        }

        return VerifySigV2(head, expiresText, signature[..signatureLength], credential, scheme);
    }

    private AuthResult VerifySigV2<T>(in T head, ReadOnlySpan<byte> dateLine, ReadOnlySpan<byte> signatureBase64, Credential credential, AuthScheme scheme)
        where T : IRequestHead, allows ref struct
    {
        Span<byte> provided = stackalloc byte[32];
        if (Base64.DecodeFromUtf8(signatureBase64, provided, out _, out var providedLength) != System.Buffers.OperationStatus.Done || providedLength != 20)
        {
            providedLength = 0;
        }

        // The signed resource is /bucket/key whatever the addressing: a virtual-host request gets its
        // bucket back from Host; a path-style bucket-level path may have been signed with a trailing '/'.
        Span<byte> prefix = stackalloc byte[256];
        var prefixLength = VirtualHostBucketPrefix(head, prefix);
        var path = head.Path;
        var bucketOnly = prefixLength == 0 && path.Length > 1 && path[1..].IndexOf((byte)'/') < 0;

        string? firstStringToSign = null;
        Span<byte> stsBuffer = stackalloc byte[512];
        Span<byte> computed = stackalloc byte[20];
        for (var attempt = 0; attempt < (bucketOnly ? 2 : 1); attempt++)
        {
            var sts = new ByteBuilder(stsBuffer);
            try
            {
                if (!SigV2Canonicalizer.TryBuild(head, dateLine, ref sts, prefix[..prefixLength], appendSlash: attempt == 1))
                {
                    return AuthResult.Fail(S3ErrorCode.AccessDenied, scheme, "Too many x-amz-* headers.");
                }

                HMACSHA1.HashData(credential.SecretKeyUtf8, sts.Written, computed);
                if (providedLength == 20 && CryptographicOperations.FixedTimeEquals(computed, provided[..20]))
                {
                    return new AuthResult { Scheme = scheme, AccessKey = credential.AccessKey, PayloadMode = PayloadMode.Unsigned };
                }

                firstStringToSign ??= Encoding.UTF8.GetString(sts.Written);
            }
            finally
            {
                sts.Dispose();
            }
        }

        return new AuthResult { Error = S3ErrorCode.SignatureDoesNotMatch, Scheme = scheme, StringToSign = firstStringToSign };
    }

    /// <summary>Writes <c>/bucket</c> when Host is <c>bucket.&lt;virtual-host domain&gt;[:port]</c>; returns its length (0 otherwise).</summary>
    private int VirtualHostBucketPrefix<T>(in T head, Span<byte> destination)
        where T : IRequestHead, allows ref struct
    {
        if (_options.VirtualHostDomains.Count == 0 || HeadReader.Find(head, "host"u8, out var host) == 0)
        {
            return 0;
        }

        var colon = host.LastIndexOf((byte)':');
        if (colon > 0 && host.IndexOf((byte)']') < colon)
        {
            host = host[..colon];
        }

        foreach (var domain in _options.VirtualHostDomains)
        {
            var suffixLength = domain.Length + 1;
            if (host.Length <= suffixLength || host.Length - suffixLength + 1 > destination.Length || host[^suffixLength] != (byte)'.')
            {
                continue;
            }

            if (System.Text.Ascii.EqualsIgnoreCase(host[^domain.Length..], domain))
            {
                destination[0] = (byte)'/';
                host[..^suffixLength].CopyTo(destination[1..]);
                return host.Length - suffixLength + 1;
            }
        }

        return 0;
    }

    /// <summary>RFC 7231 IMF-fixdate (what SigV2 clients send in Date / x-amz-date).</summary>
    private static bool TryParseHttpDate(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length > 64)
        {
            return false;
        }

        Span<char> chars = stackalloc char[64];
        var n = Encoding.ASCII.GetChars(text, chars);
        return DateTimeOffset.TryParseExact(chars[..n], "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }
}
