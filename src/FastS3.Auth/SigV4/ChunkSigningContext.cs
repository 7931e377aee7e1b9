using System.Security.Cryptography;
using System.Text;
using FastS3.Auth.Internal;

namespace FastS3.Auth.SigV4;

/// <summary>
/// Everything needed to sign or verify the chunk and trailer signatures of one aws-chunked
/// body (S3 API Reference "Signature Calculations for the Authorization Header: Transferring
/// Payload in Multiple Chunks", and "...Including Trailing Headers"): the signing key, the
/// request timestamp and credential scope, and the seed signature (the request's own SigV4
/// signature) that starts the chain. Immutable and shareable; the decoder carries the chain.
/// </summary>
public sealed class ChunkSigningContext
{
    /// <summary>SHA-256 of the empty string, hex: the fixed fifth line of every chunk string to sign.</summary>
    internal static ReadOnlySpan<byte> EmptySha256Hex => "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"u8;

    private readonly byte[] _signingKey;
    private readonly byte[] _payloadPrefix;
    private readonly byte[] _trailerPrefix;
    private readonly byte[] _seedSignature;

    public ChunkSigningContext(ReadOnlySpan<byte> signingKey, string amzDate, string scope, ReadOnlySpan<byte> seedSignature)
    {
        if (signingKey.Length != 32 || seedSignature.Length != 32)
        {
            throw new ArgumentException("Signing key and seed signature must be 32 bytes.");
        }

        _signingKey = signingKey.ToArray();
        _seedSignature = seedSignature.ToArray();
        AmzDate = amzDate;
        Scope = scope;
        _payloadPrefix = Encoding.ASCII.GetBytes("AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope + "\n");
        _trailerPrefix = Encoding.ASCII.GetBytes("AWS4-HMAC-SHA256-TRAILER\n" + amzDate + "\n" + scope + "\n");
    }

    public string AmzDate { get; }

    public string Scope { get; }

    public ReadOnlySpan<byte> SeedSignature => _seedSignature;

    internal ReadOnlySpan<byte> SigningKey => _signingKey;

    /// <summary>
    /// Chunk signature = HMAC(key, "AWS4-HMAC-SHA256-PAYLOAD\n" + timestamp + "\n" + scope + "\n"
    /// + previous signature (hex) + "\n" + SHA-256("") (hex) + "\n" + SHA-256(chunk data) (hex)).
    /// </summary>
    public void ComputeChunkSignature(ReadOnlySpan<byte> previousSignature, ReadOnlySpan<byte> chunkDataSha256, Span<byte> signature)
    {
        var text = new ByteBuilder(stackalloc byte[320]);
        try
        {
            text.Append(_payloadPrefix);
            text.AppendLowerHex(previousSignature);
            text.Append((byte)'\n');
            text.Append(EmptySha256Hex);
            text.Append((byte)'\n');
            text.AppendLowerHex(chunkDataSha256);
            ReusableHashes.HmacSha256(_signingKey, text.Written, signature);
        }
        finally
        {
            text.Dispose();
        }
    }

    /// <summary>
    /// Trailer signature = HMAC(key, "AWS4-HMAC-SHA256-TRAILER\n" + timestamp + "\n" + scope + "\n"
    /// + previous signature (the final zero-length chunk's) + "\n" + SHA-256(trailer lines, each
    /// "name:value\n")) (hex).
    /// </summary>
    public void ComputeTrailerSignature(ReadOnlySpan<byte> previousSignature, ReadOnlySpan<byte> trailerSha256, Span<byte> signature)
    {
        var text = new ByteBuilder(stackalloc byte[256]);
        try
        {
            text.Append(_trailerPrefix);
            text.AppendLowerHex(previousSignature);
            text.Append((byte)'\n');
            text.AppendLowerHex(trailerSha256);
            ReusableHashes.HmacSha256(_signingKey, text.Written, signature);
        }
        finally
        {
            text.Dispose();
        }
    }

    /// <summary>The chunk string to sign as text (for error responses and tests).</summary>
    public string ChunkStringToSign(ReadOnlySpan<byte> previousSignature, ReadOnlySpan<byte> chunkDataSha256) =>
        Encoding.ASCII.GetString(_payloadPrefix) + Hex.ToLowerString(previousSignature) + "\n"
        + Encoding.ASCII.GetString(EmptySha256Hex) + "\n" + Hex.ToLowerString(chunkDataSha256);
}
