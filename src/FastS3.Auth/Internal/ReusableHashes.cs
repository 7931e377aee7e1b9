using System.Security.Cryptography;

namespace FastS3.Auth.Internal;

/// <summary>
/// Per-thread reusable SHA-256 and HMAC-SHA256 instances for the per-request signature work.
/// The one-shot <c>SHA256.HashData</c> / <c>HMACSHA256.HashData</c> create and free an OpenSSL
/// context on every call; under load that setup (allocation, locks, error-queue clearing in
/// libcrypto) showed up as the largest native cost of a presigned GET. A reused context is reset
/// instead. The HMAC keeps the last signing key per thread: a server sees one key per client per
/// day, so the key rarely changes.
/// </summary>
internal static class ReusableHashes
{
    [ThreadStatic]
    private static IncrementalHash? _sha256;

    [ThreadStatic]
    private static IncrementalHash? _hmac;

    [ThreadStatic]
    private static byte[]? _hmacKey;

    public static void Sha256(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hash = _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(data);
        hash.GetHashAndReset(destination);
    }

    public static void HmacSha256(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hmac = _hmac;
        if (hmac is null || _hmacKey is null || !key.SequenceEqual(_hmacKey))
        {
            hmac?.Dispose();
            _hmacKey = key.ToArray();
            hmac = _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _hmacKey);
        }

        hmac.AppendData(data);
        hmac.GetHashAndReset(destination);
    }
}
