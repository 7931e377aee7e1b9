using System.Globalization;
using System.Text;
using FastS3.Auth.Credentials;
using FastS3.Auth.Internal;
using FastS3.Common.Http;

namespace FastS3.Auth.SigV4;

/// <summary>
/// The client side of SigV4: Authorization headers, presigned URLs and the chunk signing
/// context for aws-chunked uploads. Shares <see cref="SigV4Canonicalizer"/> and
/// <see cref="SigningKeyCache"/> with the verifier, so what it signs is by construction what
/// the server checks.
/// </summary>
public sealed class SigV4Signer
{
    private readonly Credential _credential;
    private readonly string _region;
    private readonly string _service;
    private readonly SigningKeyCache _keys;

    public SigV4Signer(string accessKey, string secretKey, string region = "us-east-1", string service = "s3", SigningKeyCache? keyCache = null)
    {
        _credential = new Credential(accessKey, secretKey);
        _region = region;
        _service = service;
        _keys = keyCache ?? new SigningKeyCache();
    }

    public string AccessKey => _credential.AccessKey;

    /// <summary>
    /// Signs <paramref name="head"/> as it stands (it must already carry X-Amz-Date with
    /// <paramref name="time"/>, and x-amz-content-sha256 when S3 expects one).
    /// </summary>
    /// <param name="payloadHash">The HashedPayload line: hex SHA-256, UNSIGNED-PAYLOAD or STREAMING-*.</param>
    /// <param name="signedHeaders">Lower-case names to sign; default: every header present except authorization, user-agent and expect.</param>
    public SigV4Signature Sign<T>(in T head, DateTimeOffset time, string payloadHash, IEnumerable<string>? signedHeaders = null)
        where T : IRequestHead, allows ref struct
    {
        var names = signedHeaders?.Select(n => n.ToLowerInvariant()) ?? DefaultSignedHeaders(head);
        var signed = string.Join(';', names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var amzDate = FormatAmzDate(time);
        var scope = Scope(time);
        var signedBytes = Encoding.ASCII.GetBytes(signed);
        var payloadBytes = Encoding.ASCII.GetBytes(payloadHash);
        var amzDateBytes = Encoding.ASCII.GetBytes(amzDate);
        var scopeBytes = Encoding.ASCII.GetBytes(scope);
        var key = SigningKey(time);
        Span<byte> signature = stackalloc byte[32];
        if (!SigV4Core.TryComputeSignature(head, signedBytes, payloadBytes, false, amzDateBytes, scopeBytes, key, signature))
        {
            throw new InvalidOperationException("Request exceeds canonicalization limits.");
        }

        var (canonicalRequest, stringToSign) = SigV4Core.Describe(head, signedBytes, payloadBytes, false, amzDateBytes, scopeBytes);
        var hex = Convert.ToHexStringLower(signature);
        var authorization = $"{SigV4Core.Algorithm} Credential={_credential.AccessKey}/{scope}, SignedHeaders={signed}, Signature={hex}";
        return new SigV4Signature(authorization, hex, signed, amzDate, scope, canonicalRequest, stringToSign);
    }

    /// <summary>
    /// Builds a presigned query string (S3 API Reference, "Authenticating Requests: Using Query
    /// Parameters"): <paramref name="query"/> plus the X-Amz-* parameters and X-Amz-Signature,
    /// signing only <c>host</c> and UNSIGNED-PAYLOAD. Returns the full raw query (no '?').
    /// </summary>
    public string Presign(string method, string path, string query, string host, DateTimeOffset time, long expiresSeconds)
    {
        var scope = Scope(time);
        var amzDate = FormatAmzDate(time);
        var sb = new StringBuilder(query);
        if (sb.Length > 0)
        {
            sb.Append('&');
        }

        sb.Append("X-Amz-Algorithm=AWS4-HMAC-SHA256")
          .Append("&X-Amz-Credential=").Append(Uri.EscapeDataString($"{_credential.AccessKey}/{scope}"))
          .Append("&X-Amz-Date=").Append(amzDate)
          .Append("&X-Amz-Expires=").Append(expiresSeconds.ToString(CultureInfo.InvariantCulture))
          .Append("&X-Amz-SignedHeaders=host");
        var unsigned = sb.ToString();
        var head = new BufferedRequestHead(method, path, unsigned).Add("Host", host);
        Span<byte> signature = stackalloc byte[32];
        if (!SigV4Core.TryComputeSignature(head, "host"u8, "UNSIGNED-PAYLOAD"u8, true, Encoding.ASCII.GetBytes(amzDate), Encoding.ASCII.GetBytes(scope), SigningKey(time), signature))
        {
            throw new InvalidOperationException("Request exceeds canonicalization limits.");
        }

        return unsigned + "&X-Amz-Signature=" + Convert.ToHexStringLower(signature);
    }

    /// <summary>The chunk-signature chain for an aws-chunked body whose request carried <paramref name="seed"/>.</summary>
    public ChunkSigningContext CreateChunkContext(SigV4Signature seed, DateTimeOffset time) =>
        new(SigningKey(time), seed.AmzDate, seed.Scope, seed.SignatureBytes());

    public string Scope(DateTimeOffset time) =>
        $"{time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{_region}/{_service}/aws4_request";

    public static string FormatAmzDate(DateTimeOffset time)
    {
        Span<byte> text = stackalloc byte[16];
        Ascii8.FormatAmzDate(time, text);
        return Encoding.ASCII.GetString(text);
    }

    private byte[] SigningKey(DateTimeOffset time)
    {
        var t = time.UtcDateTime;
        return _keys.GetOrDerive(_credential, (t.Year * 10000) + (t.Month * 100) + t.Day, _region, _service);
    }

    private static List<string> DefaultSignedHeaders<T>(in T head)
        where T : IRequestHead, allows ref struct
    {
        var names = new List<string>();
        for (var i = 0; i < head.HeaderCount; i++)
        {
            var name = Encoding.ASCII.GetString(head.HeaderName(i)).ToLowerInvariant();
            if (name is not ("authorization" or "user-agent" or "expect"))
            {
                names.Add(name);
            }
        }

        return names;
    }
}
