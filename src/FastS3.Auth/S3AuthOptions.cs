namespace FastS3.Auth;

/// <summary>Authentication settings. Defaults are the safe, S3-like ones.</summary>
public sealed class S3AuthOptions
{
    /// <summary>The region this server answers for; credential scopes naming another region are refused.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Accept requests carrying no credentials at all (as the anonymous identity).</summary>
    public bool AllowAnonymous { get; init; }

    /// <summary>
    /// Accept <c>x-access-key</c> / <c>x-secret-key</c> headers (the secret sent in clear, for
    /// tooling on trusted networks only). Off by default.
    /// </summary>
    public bool AllowSimpleHeaderAuth { get; init; }

    /// <summary>
    /// Enforce request time: the 15-minute clock-skew rule for header signatures and expiry for
    /// presigned URLs. Only turned off to replay captured requests (the corpus).
    /// </summary>
    public bool CheckRequestTime { get; init; } = true;

    /// <summary>
    /// Largest accepted difference between the request time and the server clock: 15 minutes,
    /// S3's own value (S3 API Reference, RequestTimeTooSkewed). Limits the replay window of a
    /// captured signed request.
    /// </summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Longest Authorization header parsed. Prevents spending work on pathological headers
    /// before the signature is checked; a real one is under 1 KiB even with many signed headers.
    /// </summary>
    public int MaxAuthorizationHeaderBytes { get; init; } = 8 * 1024;

    /// <summary>
    /// Domains of virtual-host addressing (<c>bucket.&lt;domain&gt;</c>). SigV2 signs the resource
    /// as <c>/bucket/key</c> whatever the addressing, so for a virtual-host request the bucket
    /// must be recovered from Host to rebuild what the client signed.
    /// </summary>
    public IReadOnlyList<string> VirtualHostDomains { get; init; } = [];
}
