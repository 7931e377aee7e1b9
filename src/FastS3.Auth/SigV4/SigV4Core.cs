using System.Security.Cryptography;
using System.Text;
using FastS3.Auth.Internal;
using FastS3.Common.Http;

namespace FastS3.Auth.SigV4;

/// <summary>
/// Canonical request -> string to sign -> signature (S3 API Reference, "Signature Calculations
/// for the Authorization Header"). Used by the verifier and by <see cref="SigV4Signer"/>.
/// </summary>
internal static class SigV4Core
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Computes the 32-byte signature. False when a canonicalization limit is exceeded.</summary>
    public static bool TryComputeSignature<T>(
        in T head,
        ReadOnlySpan<byte> signedHeaders,
        ReadOnlySpan<byte> payloadHash,
        bool presigned,
        ReadOnlySpan<byte> amzDate,
        ReadOnlySpan<byte> scope,
        ReadOnlySpan<byte> signingKey,
        Span<byte> signature)
        where T : IRequestHead, allows ref struct
    {
        var creq = new ByteBuilder(stackalloc byte[1024]);
        try
        {
            if (!SigV4Canonicalizer.TryBuild(head, signedHeaders, payloadHash, presigned, ref creq))
            {
                return false;
            }

            Span<byte> creqHash = stackalloc byte[32];
            ReusableHashes.Sha256(creq.Written, creqHash);
            SignStringToSign(amzDate, scope, creqHash, signingKey, signature);
            return true;
        }
        finally
        {
            creq.Dispose();
        }
    }

    /// <summary>HMAC(signingKey, "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(SHA-256(canonical request))).</summary>
    public static void SignStringToSign(ReadOnlySpan<byte> amzDate, ReadOnlySpan<byte> scope, ReadOnlySpan<byte> canonicalRequestHash, ReadOnlySpan<byte> signingKey, Span<byte> signature)
    {
        var sts = new ByteBuilder(stackalloc byte[256]);
        try
        {
            AppendStringToSign(amzDate, scope, canonicalRequestHash, ref sts);
            ReusableHashes.HmacSha256(signingKey, sts.Written, signature);
        }
        finally
        {
            sts.Dispose();
        }
    }

    /// <summary>The canonical request and string to sign as text: only for error responses and tests (slow path).</summary>
    public static (string CanonicalRequest, string StringToSign) Describe<T>(
        in T head,
        ReadOnlySpan<byte> signedHeaders,
        ReadOnlySpan<byte> payloadHash,
        bool presigned,
        ReadOnlySpan<byte> amzDate,
        ReadOnlySpan<byte> scope)
        where T : IRequestHead, allows ref struct
    {
        var creq = new ByteBuilder(stackalloc byte[1024]);
        var sts = new ByteBuilder(stackalloc byte[256]);
        try
        {
            if (!SigV4Canonicalizer.TryBuild(head, signedHeaders, payloadHash, presigned, ref creq))
            {
                return (string.Empty, string.Empty);
            }

            Span<byte> creqHash = stackalloc byte[32];
            ReusableHashes.Sha256(creq.Written, creqHash);
            AppendStringToSign(amzDate, scope, creqHash, ref sts);
            return (Encoding.UTF8.GetString(creq.Written), Encoding.UTF8.GetString(sts.Written));
        }
        finally
        {
            creq.Dispose();
            sts.Dispose();
        }
    }

    private static void AppendStringToSign(ReadOnlySpan<byte> amzDate, ReadOnlySpan<byte> scope, ReadOnlySpan<byte> canonicalRequestHash, ref ByteBuilder sts)
    {
        sts.Append("AWS4-HMAC-SHA256\n"u8);
        sts.Append(amzDate);
        sts.Append((byte)'\n');
        sts.Append(scope);
        sts.Append((byte)'\n');
        sts.AppendLowerHex(canonicalRequestHash);
    }
}
