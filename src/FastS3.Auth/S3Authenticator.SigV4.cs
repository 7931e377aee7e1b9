using System.Security.Cryptography;
using System.Text;
using FastS3.Auth.Internal;
using FastS3.Auth.SigV4;
using FastS3.Common.Errors;
using FastS3.Common.Http;

namespace FastS3.Auth;

public sealed partial class S3Authenticator
{
    /// <summary>S3 presigned URLs live at most 7 days (S3 API Reference, "Authenticating Requests: Using Query Parameters", X-Amz-Expires).</summary>
    public const long MaxPresignedExpiresSeconds = 604_800;

    private const string S3Service = "s3";

    private static ReadOnlySpan<byte> UnsignedPayload => "UNSIGNED-PAYLOAD"u8;

    private AuthResult AuthenticateSigV4Header<T>(in T head, ReadOnlySpan<byte> parameters, DateTimeOffset now, ReadOnlySpan<byte> bodySha256)
        where T : IRequestHead, allows ref struct
    {
        const AuthScheme scheme = AuthScheme.SigV4Header;
        if (!TryParseAuthorizationV4(parameters, out var credentialValue, out var signedHeaders, out var signatureHex))
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationHeaderMalformed, scheme, "The authorization header is malformed; it must contain Credential, SignedHeaders and Signature.");
        }

        Span<byte> providedSignature = stackalloc byte[32];
        if (!Hex.TryDecode(signatureHex, providedSignature))
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationHeaderMalformed, scheme, "The authorization header is malformed; the signature must be 64 hex digits.");
        }

        if (!CredentialScope.TryParse(credentialValue, out var scope))
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationHeaderMalformed, scheme, "The authorization header is malformed; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }

        if (!_credentials.TryGet(scope.AccessKey, out var credential))
        {
            return AuthResult.Fail(S3ErrorCode.InvalidAccessKeyId, scheme);
        }

        // SigV4 takes the timestamp from X-Amz-Date, or from Date when that is in the same
        // ISO 8601 basic form (S3 API Reference, "Common Request Headers").
        if ((HeadReader.Find(head, "x-amz-date"u8, out var amzDate) == 0 && HeadReader.Find(head, "date"u8, out amzDate) == 0)
            || !Ascii8.TryParseAmzDate(amzDate, out var requestTime))
        {
            return AuthResult.Fail(S3ErrorCode.AccessDenied, scheme, "AWS authentication requires a valid Date or x-amz-date header");
        }

        var scopeError = CheckScope(scope, amzDate, S3ErrorCode.AuthorizationHeaderMalformed, "The authorization header is malformed; ", scheme);
        if (scopeError.Error != S3ErrorCode.None)
        {
            return scopeError;
        }

        if (!ContainsName(signedHeaders, "host"u8))
        {
            return AuthResult.Fail(S3ErrorCode.AccessDenied, scheme, "There were headers present in the request which were not signed: host must be signed.");
        }

        if (IsSkewed(requestTime, now))
        {
            return AuthResult.Fail(S3ErrorCode.RequestTimeTooSkewed, scheme);
        }

        // Payload hash: the x-amz-content-sha256 value, which S3 requires and signs (S3 API
        // Reference, "Signature Calculations for the Authorization Header", HashedPayload).
        Span<byte> hashHex = stackalloc byte[64];
        scoped ReadOnlySpan<byte> payloadHash;
        PayloadMode mode;
        var expected = default(Sha256Digest);
        var headerAbsent = HeadReader.Find(head, "x-amz-content-sha256"u8, out var contentSha) == 0;
        if (headerAbsent)
        {
            expected = bodySha256.Length == Sha256Digest.Size ? new Sha256Digest(bodySha256) : Sha256Digest.Empty;
            Span<byte> raw = stackalloc byte[32];
            expected.CopyTo(raw);
            Hex.EncodeLower(raw, hashHex);
            payloadHash = hashHex;
            mode = PayloadMode.SignedPayload;
        }
        else
        {
            payloadHash = contentSha;
            var classification = ClassifyContentSha256(contentSha, out expected);
            if (classification.Error != S3ErrorCode.None)
            {
                return classification;
            }

            mode = classification.PayloadMode;
        }

        var signingKey = KeyCache.GetOrDerive(credential, scope.DateAsInt(), _options.Region, S3Service);
        Span<byte> computed = stackalloc byte[32];
        if (!SigV4Core.TryComputeSignature(head, signedHeaders, payloadHash, false, amzDate, scope.Scope, signingKey, computed))
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationHeaderMalformed, scheme, "The authorization header is malformed; too many signed headers or query parameters.");
        }

        if (!CryptographicOperations.FixedTimeEquals(computed, providedSignature))
        {
            return Mismatch(head, signedHeaders, payloadHash, false, amzDate, scope.Scope, scheme, headerAbsent);
        }

        return new AuthResult
        {
            Scheme = scheme,
            AccessKey = credential.AccessKey,
            PayloadMode = mode,
            ExpectedPayloadSha256 = expected,
            ContentSha256HeaderAbsent = headerAbsent,
            Chunking = mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer
                ? new ChunkSigningContext(signingKey, Encoding.ASCII.GetString(amzDate), Encoding.ASCII.GetString(scope.Scope), computed)
                : null,
        };
    }

    private AuthResult AuthenticateSigV4Query<T>(in T head, DateTimeOffset now)
        where T : IRequestHead, allows ref struct
    {
        const AuthScheme scheme = AuthScheme.SigV4Query;
        var query = head.Query;
        if (!HeadReader.TryGetQuery(query, "X-Amz-Algorithm"u8, out var algorithm)
            || !HeadReader.TryGetQuery(query, "X-Amz-Credential"u8, out var rawCredential)
            || !HeadReader.TryGetQuery(query, "X-Amz-Date"u8, out var amzDate)
            || !HeadReader.TryGetQuery(query, "X-Amz-Expires"u8, out var expiresText)
            || !HeadReader.TryGetQuery(query, "X-Amz-SignedHeaders"u8, out var rawSignedHeaders)
            || !HeadReader.TryGetQuery(query, "X-Amz-Signature"u8, out var signatureHex))
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationQueryParametersError, scheme, "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        }

        if (algorithm.SequenceEqual("AWS4-ECDSA-P256-SHA256"u8))
        {
            return AuthResult.Fail(S3ErrorCode.NotImplemented, scheme, "SigV4A (AWS4-ECDSA-P256-SHA256) is not implemented.");
        }

        if (!algorithm.SequenceEqual("AWS4-HMAC-SHA256"u8))
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationQueryParametersError, scheme, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }

        Span<byte> credentialBuffer = stackalloc byte[512];
        Span<byte> signedHeadersBuffer = stackalloc byte[1024];
        Span<byte> providedSignature = stackalloc byte[32];
        if (!HeadReader.TryPercentDecode(rawCredential, credentialBuffer, out var credentialLength)
            || !CredentialScope.TryParse(credentialBuffer[..credentialLength], out var scope))
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationQueryParametersError, scheme, "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }

        if (!HeadReader.TryPercentDecode(rawSignedHeaders, signedHeadersBuffer, out var signedHeadersLength) || !Hex.TryDecode(signatureHex, providedSignature))
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationQueryParametersError, scheme, "X-Amz-SignedHeaders or X-Amz-Signature is malformed.");
        }

        var signedHeaders = signedHeadersBuffer[..signedHeadersLength];
        if (!Ascii8.TryParseDecimal(expiresText, out var expires))
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationQueryParametersError, scheme, "X-Amz-Expires should be a number");
        }

        if (expires > MaxPresignedExpiresSeconds)
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationQueryParametersError, scheme, "X-Amz-Expires must be less than a week (in seconds) that is 604800");
        }

        if (!Ascii8.TryParseAmzDate(amzDate, out var requestTime))
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationQueryParametersError, scheme, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }

        if (!_credentials.TryGet(scope.AccessKey, out var credential))
        {
            return AuthResult.Fail(S3ErrorCode.InvalidAccessKeyId, scheme);
        }

        var scopeError = CheckScope(scope, amzDate, S3ErrorCode.AuthorizationQueryParametersError, "Error parsing the X-Amz-Credential parameter; ", scheme);
        if (scopeError.Error != S3ErrorCode.None)
        {
            return scopeError;
        }

        if (!ContainsName(signedHeaders, "host"u8))
        {
            return AuthResult.Fail(S3ErrorCode.AccessDenied, scheme, "There were headers present in the request which were not signed: host must be signed.");
        }

        if (_options.CheckRequestTime)
        {
            if (now > requestTime.AddSeconds(expires))
            {
                return AuthResult.Fail(S3ErrorCode.AccessDenied, scheme, "Request has expired");
            }

            if (requestTime - now > _options.MaxClockSkew)
            {
                return AuthResult.Fail(S3ErrorCode.AccessDenied, scheme, "Request is not valid yet");
            }
        }

        // Presigned URLs sign UNSIGNED-PAYLOAD (S3 API Reference, "Authenticating Requests:
        // Using Query Parameters", canonical request), unless the client signed an
        // x-amz-content-sha256 header with a value, in which case that value was used.
        scoped ReadOnlySpan<byte> payloadHash = UnsignedPayload;
        var mode = PayloadMode.Unsigned;
        var expected = default(Sha256Digest);
        if (ContainsName(signedHeaders, "x-amz-content-sha256"u8) && HeadReader.Find(head, "x-amz-content-sha256"u8, out var contentSha) > 0)
        {
            var classification = ClassifyContentSha256(contentSha, out expected);
            if (classification.Error != S3ErrorCode.None || classification.PayloadMode is not (PayloadMode.Unsigned or PayloadMode.SignedPayload))
            {
                return AuthResult.Fail(S3ErrorCode.InvalidArgument, scheme, "x-amz-content-sha256 on a presigned request must be UNSIGNED-PAYLOAD or a SHA-256 value.");
            }

            payloadHash = contentSha;
            mode = classification.PayloadMode;
        }

        var signingKey = KeyCache.GetOrDerive(credential, scope.DateAsInt(), _options.Region, S3Service);
        Span<byte> computed = stackalloc byte[32];
        if (!SigV4Core.TryComputeSignature(head, signedHeaders, payloadHash, true, amzDate, scope.Scope, signingKey, computed))
        {
            return AuthResult.Fail(S3ErrorCode.AuthorizationQueryParametersError, scheme, "Too many signed headers or query parameters.");
        }

        if (!CryptographicOperations.FixedTimeEquals(computed, providedSignature))
        {
            return Mismatch(head, signedHeaders, payloadHash, true, amzDate, scope.Scope, scheme, false);
        }

        return new AuthResult { Scheme = scheme, AccessKey = credential.AccessKey, PayloadMode = mode, ExpectedPayloadSha256 = expected };
    }

    private AuthResult CheckScope(CredentialScope scope, ReadOnlySpan<byte> amzDate, S3ErrorCode error, string prefix, AuthScheme scheme)
    {
        if (!scope.Date.SequenceEqual(amzDate[..8]))
        {
            return AuthResult.Fail(error, scheme, prefix + "Invalid credential date. Date is not the same as X-Amz-Date.");
        }

        if (!scope.Region.SequenceEqual(_regionUtf8))
        {
            return AuthResult.Fail(error, scheme, $"{prefix}the region '{Encoding.UTF8.GetString(scope.Region)}' is wrong; expecting '{_options.Region}'");
        }

        if (!scope.Service.SequenceEqual("s3"u8) || !scope.Terminal.SequenceEqual("aws4_request"u8))
        {
            return AuthResult.Fail(error, scheme, prefix + "incorrect service or terminal; expecting \"s3/aws4_request\".");
        }

        return default;
    }

    /// <summary>Maps an x-amz-content-sha256 value to the payload mode (S3 API Reference, "Common Request Headers").</summary>
    private static AuthResult ClassifyContentSha256(ReadOnlySpan<byte> value, out Sha256Digest expected)
    {
        expected = default;
        if (value.SequenceEqual(UnsignedPayload))
        {
            return new AuthResult { PayloadMode = PayloadMode.Unsigned };
        }

        if (value.SequenceEqual("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"u8))
        {
            return new AuthResult { PayloadMode = PayloadMode.StreamingSigned };
        }

        if (value.SequenceEqual("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"u8))
        {
            return new AuthResult { PayloadMode = PayloadMode.StreamingSignedTrailer };
        }

        if (value.SequenceEqual("STREAMING-UNSIGNED-PAYLOAD-TRAILER"u8))
        {
            return new AuthResult { PayloadMode = PayloadMode.StreamingUnsignedTrailer };
        }

        if (value.StartsWith("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"u8))
        {
            return AuthResult.Fail(S3ErrorCode.NotImplemented, AuthScheme.SigV4Header, "SigV4A streaming payloads are not implemented.");
        }

        Span<byte> digest = stackalloc byte[32];
        if (Hex.TryDecode(value, digest))
        {
            expected = new Sha256Digest(digest);
            return new AuthResult { PayloadMode = PayloadMode.SignedPayload };
        }

        return AuthResult.Fail(S3ErrorCode.InvalidArgument, AuthScheme.SigV4Header, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-UNSIGNED-PAYLOAD-TRAILER, or a valid sha256 value.");
    }

    private static AuthResult Mismatch<T>(in T head, ReadOnlySpan<byte> signedHeaders, ReadOnlySpan<byte> payloadHash, bool presigned, ReadOnlySpan<byte> amzDate, ReadOnlySpan<byte> scope, AuthScheme scheme, bool headerAbsent)
        where T : IRequestHead, allows ref struct
    {
        var (canonicalRequest, stringToSign) = SigV4Core.Describe(head, signedHeaders, payloadHash, presigned, amzDate, scope);
        return new AuthResult
        {
            Error = S3ErrorCode.SignatureDoesNotMatch,
            Scheme = scheme,
            CanonicalRequest = canonicalRequest,
            StringToSign = stringToSign,
            ContentSha256HeaderAbsent = headerAbsent,
        };
    }

    /// <summary>
    /// Splits "Credential=..., SignedHeaders=..., Signature=..." (any order, ',' separated,
    /// optional spaces) as in S3 API Reference, "Authorization header".
    /// </summary>
    private static bool TryParseAuthorizationV4(ReadOnlySpan<byte> parameters, out ReadOnlySpan<byte> credential, out ReadOnlySpan<byte> signedHeaders, out ReadOnlySpan<byte> signature)
    {
        credential = signedHeaders = signature = default;
        bool haveCredential = false, haveSigned = false, haveSignature = false;
        var rest = parameters;
        while (!rest.IsEmpty)
        {
            var comma = rest.IndexOf((byte)',');
            var part = (comma < 0 ? rest : rest[..comma]).Trim((byte)' ');
            rest = comma < 0 ? default : rest[(comma + 1)..];
            if (part.IsEmpty)
            {
                continue;
            }

            if (part.StartsWith("Credential="u8) && !haveCredential)
            {
                credential = part["Credential="u8.Length..];
                haveCredential = true;
            }
            else if (part.StartsWith("SignedHeaders="u8) && !haveSigned)
            {
                signedHeaders = part["SignedHeaders="u8.Length..];
                haveSigned = true;
            }
            else if (part.StartsWith("Signature="u8) && !haveSignature)
            {
                signature = part["Signature="u8.Length..];
                haveSignature = true;
            }
            else
            {
                return false;
            }
        }

        return haveCredential && haveSigned && haveSignature && !signedHeaders.IsEmpty;
    }

    private static bool ContainsName(ReadOnlySpan<byte> list, ReadOnlySpan<byte> name)
    {
        foreach (var range in list.Split((byte)';'))
        {
            if (Ascii8.EqualsIgnoreCase(list[range], name))
            {
                return true;
            }
        }

        return false;
    }

}
