using FastS3.Auth.SigV4;
using FastS3.Common.Errors;

namespace FastS3.Auth;

/// <summary>
/// Outcome of <see cref="S3Authenticator.Authenticate{T}(in T, DateTimeOffset)"/>. A struct:
/// a successful header-signed request produces no heap object at all. On failure
/// <see cref="Error"/> names the S3 error and <see cref="Message"/> (when set) replaces the
/// table's default message; SignatureDoesNotMatch also carries the server's
/// <see cref="StringToSign"/> and <see cref="CanonicalRequest"/>, which S3 echoes in its error
/// XML (<c>&lt;StringToSign&gt;</c>, <c>&lt;CanonicalRequest&gt;</c>).
/// </summary>
public readonly struct AuthResult
{
    public S3ErrorCode Error { get; init; }

    public string? Message { get; init; }

    public AuthScheme Scheme { get; init; }

    /// <summary>The authenticated user; null for anonymous requests and failures.</summary>
    public string? AccessKey { get; init; }

    public PayloadMode PayloadMode { get; init; }

    /// <summary>For <see cref="PayloadMode.SignedPayload"/>: the SHA-256 the body must hash to.</summary>
    public Sha256Digest ExpectedPayloadSha256 { get; init; }

    /// <summary>
    /// True when a header-signed request carried no <c>x-amz-content-sha256</c> (curl's
    /// <c>--aws-sigv4</c>): the canonical request was built with the hash the caller passed, or
    /// with SHA-256("") when it passed none.
    /// </summary>
    public bool ContentSha256HeaderAbsent { get; init; }

    /// <summary>For the streaming modes with signed chunks: the chain's key, scope, timestamp and seed.</summary>
    public ChunkSigningContext? Chunking { get; init; }

    public string? StringToSign { get; init; }

    public string? CanonicalRequest { get; init; }

    /// <summary>For SigV2 failures: S3 echoes the string to sign as hex bytes too; the text is in <see cref="StringToSign"/>.</summary>
    public bool Succeeded => Error == S3ErrorCode.None;

    internal static AuthResult Fail(S3ErrorCode error, AuthScheme scheme, string? message = null) =>
        new() { Error = error, Scheme = scheme, Message = message };

    public override string ToString() =>
        Succeeded ? $"{Scheme} {AccessKey ?? "(anonymous)"} {PayloadMode}" : $"{Scheme} {Error}: {Message ?? S3ErrorTable.Get(Error).Message}";
}
