using FastS3.Auth.Credentials;
using FastS3.Auth.Internal;
using FastS3.Auth.SigV4;
using FastS3.Common.Errors;
using FastS3.Common.Http;

namespace FastS3.Auth;

/// <summary>
/// Decides who sent a request and what the caller must still verify about its body. Handles
/// SigV4 (Authorization header and presigned query), SigV2 (header and query), optional simple
/// header auth, and anonymous access. Thread-safe; one instance per server.
/// </summary>
/// <remarks>
/// Body verification stays with the caller, driven by <see cref="AuthResult.PayloadMode"/>:
/// hash a <see cref="PayloadMode.SignedPayload"/> body and compare with
/// <see cref="AuthResult.ExpectedPayloadSha256"/> (XAmzContentSHA256Mismatch on difference);
/// feed streaming bodies through <see cref="Chunked.AwsChunkedDecoder"/> with
/// <see cref="AuthResult.Chunking"/>.
/// <para>
/// A header-signed request with no <c>x-amz-content-sha256</c> (curl <c>--aws-sigv4</c>) is
/// verified with the payload hash the caller passes (<c>bodySha256</c>, when it has buffered a
/// small body) or else with SHA-256 of the empty body; the result then asks the caller to check
/// the body against that same hash. That accepts curl's body-less requests and
/// <c>--data-binary</c> uploads whose body the caller hashed first; curl <c>-T</c> signs the
/// empty hash while sending a body, and fails the body check, as it should: nothing signed
/// that body. The server never guesses by trying hashes.
/// </para>
/// </remarks>
public sealed partial class S3Authenticator
{
    private readonly CredentialStore _credentials;
    private readonly S3AuthOptions _options;
    private readonly byte[] _regionUtf8;

    public S3Authenticator(CredentialStore credentials, S3AuthOptions options, SigningKeyCache? keyCache = null)
    {
        _credentials = credentials;
        _options = options;
        _regionUtf8 = System.Text.Encoding.UTF8.GetBytes(options.Region);
        KeyCache = keyCache ?? new SigningKeyCache();
    }

    public SigningKeyCache KeyCache { get; }

    public S3AuthOptions Options => _options;

    public AuthResult Authenticate<T>(in T head, DateTimeOffset now)
        where T : IRequestHead, allows ref struct
        => Authenticate(head, now, default);

    /// <param name="head">The request as received.</param>
    /// <param name="now">Server time (from the caller's <see cref="TimeProvider"/>).</param>
    /// <param name="bodySha256">
    /// Optional SHA-256 of the received body, used only when a SigV4 header-signed request has
    /// no x-amz-content-sha256 header (see remarks). Empty = SHA-256 of the empty body.
    /// </param>
    public AuthResult Authenticate<T>(in T head, DateTimeOffset now, ReadOnlySpan<byte> bodySha256)
        where T : IRequestHead, allows ref struct
    {
        var authorizationCount = HeadReader.Find(head, "Authorization"u8, out var authorization);
        var query = head.Query;
        var hasV4Query = HeadReader.TryGetQuery(query, "X-Amz-Algorithm"u8, out _) || HeadReader.TryGetQuery(query, "X-Amz-Signature"u8, out _);
        var hasV2Query = HeadReader.TryGetQuery(query, "AWSAccessKeyId"u8, out _) || HeadReader.TryGetQuery(query, "Signature"u8, out _);

        if (authorizationCount > 0)
        {
            if (authorizationCount > 1 || hasV4Query || hasV2Query)
            {
                return AuthResult.Fail(S3ErrorCode.InvalidArgument, AuthScheme.None, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified");
            }

            if (authorization.Length > _options.MaxAuthorizationHeaderBytes)
            {
                return AuthResult.Fail(S3ErrorCode.AuthorizationHeaderMalformed, AuthScheme.None, "The authorization header is too long.");
            }

            if (authorization.StartsWith("AWS4-HMAC-SHA256 "u8))
            {
                return AuthenticateSigV4Header(head, authorization["AWS4-HMAC-SHA256 "u8.Length..], now, bodySha256);
            }

            if (authorization.StartsWith("AWS4-ECDSA-P256-SHA256"u8))
            {
                return AuthResult.Fail(S3ErrorCode.NotImplemented, AuthScheme.SigV4Header, "SigV4A (AWS4-ECDSA-P256-SHA256) is not implemented.");
            }

            if (authorization.StartsWith("AWS "u8))
            {
                return AuthenticateSigV2Header(head, authorization["AWS "u8.Length..], now);
            }

            return AuthResult.Fail(S3ErrorCode.InvalidArgument, AuthScheme.None, "Unsupported Authorization Type");
        }

        if (hasV4Query)
        {
            return hasV2Query
                ? AuthResult.Fail(S3ErrorCode.InvalidArgument, AuthScheme.None, "Only one auth mechanism allowed.")
                : AuthenticateSigV4Query(head, now);
        }

        if (hasV2Query)
        {
            return AuthenticateSigV2Query(head, now);
        }

        if (_options.AllowSimpleHeaderAuth && HeadReader.Find(head, "x-access-key"u8, out _) > 0)
        {
            return AuthenticateSimpleHeader(head);
        }

        return _options.AllowAnonymous
            ? new AuthResult { Scheme = AuthScheme.Anonymous, PayloadMode = PayloadMode.Unsigned }
            : AuthResult.Fail(S3ErrorCode.AccessDenied, AuthScheme.Anonymous, "Anonymous access is not allowed.");
    }

    private AuthResult AuthenticateSimpleHeader<T>(in T head)
        where T : IRequestHead, allows ref struct
    {
        if (HeadReader.Find(head, "x-access-key"u8, out var key) != 1 || HeadReader.Find(head, "x-secret-key"u8, out var secret) != 1)
        {
            return AuthResult.Fail(S3ErrorCode.AccessDenied, AuthScheme.SimpleHeader, "x-access-key and x-secret-key must each be sent once.");
        }

        if (!_credentials.TryGet(key, out var credential))
        {
            return AuthResult.Fail(S3ErrorCode.InvalidAccessKeyId, AuthScheme.SimpleHeader);
        }

        // Constant time: a byte-by-byte early exit would leak the secret's prefix length.
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(secret, credential.SecretKeyUtf8))
        {
            return AuthResult.Fail(S3ErrorCode.SignatureDoesNotMatch, AuthScheme.SimpleHeader, "The secret key does not match.");
        }

        return new AuthResult { Scheme = AuthScheme.SimpleHeader, AccessKey = credential.AccessKey, PayloadMode = PayloadMode.Unsigned };
    }

    private bool IsSkewed(DateTimeOffset requestTime, DateTimeOffset now) =>
        _options.CheckRequestTime && (requestTime - now).Duration() > _options.MaxClockSkew;
}
