using System.Text;
using FastS3.Auth;
using FastS3.Auth.Checksums;
using FastS3.Common.Errors;

namespace FastS3.S3;

/// <summary>
/// How a request body must be read and checked, decided from the signed headers — never from
/// Content-Encoding, which the client controls without signing it in every SDK.
/// </summary>
public sealed record BodyPlan(PayloadMode Mode, ChecksumAlgorithm ChecksumAlgorithm, byte[]? HeaderChecksum, ChecksumAlgorithm TrailerAlgorithm)
{
    public bool IsStreaming => IsStreamingMode(Mode);

    public static bool IsStreamingMode(PayloadMode mode) =>
        mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer;

    /// <summary>The payload mode: the authenticator's, or for an anonymous request the unsigned
    /// trailer framing it announces.</summary>
    public static PayloadMode ModeOf(S3Request r)
    {
        if (r.Auth.PayloadMode == PayloadMode.Unsigned &&
            string.Equals(r.Header("x-amz-content-sha256"u8), "STREAMING-UNSIGNED-PAYLOAD-TRAILER", StringComparison.Ordinal))
        {
            return PayloadMode.StreamingUnsignedTrailer;
        }

        return r.Auth.PayloadMode;
    }

    /// <param name="defaultAlgorithm">What to compute when the client sends no checksum: CRC64NVME
    /// (S3's default for new objects), or the algorithm a multipart upload was created with.</param>
    public static BodyPlan From(S3Request r, ChecksumAlgorithm defaultAlgorithm = ChecksumAlgorithm.Crc64Nvme)
    {
        var mode = ModeOf(r);
        var head = r.Head;
        ChecksumAlgorithm headerAlgorithm = ChecksumAlgorithm.None;
        byte[]? headerValue = null;
        for (var i = 0; i < head.HeaderCount; i++)
        {
            var algorithm = ChecksumNames.FromHeaderName(head.HeaderName(i));
            if (algorithm == ChecksumAlgorithm.None)
            {
                continue;
            }

            if (headerAlgorithm != ChecksumAlgorithm.None && headerAlgorithm != algorithm)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }

            headerAlgorithm = algorithm;
            headerValue = head.HeaderValue(i).ToArray();
        }

        var trailerAlgorithm = ChecksumAlgorithm.None;
        var trailer = r.Header("x-amz-trailer"u8);
        if (trailer is not null)
        {
            trailerAlgorithm = ChecksumNames.FromHeaderName(trailer.Trim());
            if (trailerAlgorithm == ChecksumAlgorithm.None)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "The value specified in the x-amz-trailer header is not supported.");
            }

            if (headerAlgorithm != ChecksumAlgorithm.None)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header: a checksum header and x-amz-trailer together are not allowed.");
            }

            if (!IsStreamingMode(mode) || mode == PayloadMode.StreamingSigned)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "x-amz-trailer requires a STREAMING-*-TRAILER payload.");
            }
        }

        // No checksum from the client: compute the default (CRC64NVME, as S3 does for every new object).
        var algorithmUsed = trailerAlgorithm != ChecksumAlgorithm.None ? trailerAlgorithm
            : headerAlgorithm != ChecksumAlgorithm.None ? headerAlgorithm
            : defaultAlgorithm;
        return new BodyPlan(mode, algorithmUsed, headerValue, trailerAlgorithm);
    }

    public override string ToString() => $"{Mode} {ChecksumAlgorithm} trailer={TrailerAlgorithm} header={(HeaderChecksum is null ? "-" : Encoding.ASCII.GetString(HeaderChecksum))}";
}
