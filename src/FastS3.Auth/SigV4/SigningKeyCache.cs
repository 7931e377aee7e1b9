using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FastS3.Auth.Credentials;

namespace FastS3.Auth.SigV4;

/// <summary>
/// SigV4 signing keys, derived at most once per (credential, date, region, service): the
/// four-HMAC chain of S3 API Reference "Signature Calculations for the Authorization Header",
/// "Calculating a signature" runs once a day per user instead of once per request. A lookup
/// allocates nothing (struct key of existing references).
/// </summary>
public sealed class SigningKeyCache
{
    /// <summary>
    /// Entry cap. With the clock checks on, a key can only be used with today's, yesterday's
    /// or (presigned) the last 7 days' dates, so the cache stays small; the cap bounds memory
    /// when checks are off or under a flood of credential scopes for valid access keys.
    /// </summary>
    public const int MaxEntries = 16 * 1024;

    private readonly ConcurrentDictionary<CacheKey, byte[]> _keys = new();
    private long _derivations;

    /// <summary>How many times the HMAC chain has run (test and diagnostics hook).</summary>
    public long DerivationCount => Interlocked.Read(ref _derivations);

    /// <summary>Returns the 32-byte signing key for <paramref name="date"/> (yyyyMMdd as an int).</summary>
    public byte[] GetOrDerive(Credential credential, int date, string region, string service)
    {
        var key = new CacheKey(credential, date, region, service);
        if (_keys.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var derived = Derive(credential, date, region, service);
        Interlocked.Increment(ref _derivations);
        if (_keys.Count >= MaxEntries)
        {
            _keys.Clear();
        }

        return _keys.GetOrAdd(key, derived);
    }

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    internal static byte[] Derive(Credential credential, int date, string region, string service)
    {
        Span<byte> dateText = stackalloc byte[8];
        for (var i = 7; i >= 0; i--)
        {
            dateText[i] = (byte)('0' + (date % 10));
            date /= 10;
        }

        Span<byte> k = stackalloc byte[32];
        Span<byte> text = stackalloc byte[256];
        HMACSHA256.HashData(credential.Aws4SecretUtf8, dateText, k);
        var n = System.Text.Encoding.UTF8.GetBytes(region, text);
        HMACSHA256.HashData(k, text[..n], k);
        n = System.Text.Encoding.UTF8.GetBytes(service, text);
        HMACSHA256.HashData(k, text[..n], k);
        HMACSHA256.HashData(k, "aws4_request"u8, k);
        return k.ToArray();
    }

    [StructLayout(LayoutKind.Auto)]
    private readonly record struct CacheKey(Credential Credential, int Date, string Region, string Service);
}
