namespace FastS3.Auth;

/// <summary>What the caller must enforce on the request body after authentication succeeded.</summary>
public enum PayloadMode
{
    /// <summary>Nothing to verify: UNSIGNED-PAYLOAD, presigned URLs, SigV2, simple header auth, anonymous.</summary>
    Unsigned = 0,

    /// <summary>The body's SHA-256 must equal <see cref="AuthResult.ExpectedPayloadSha256"/>; a mismatch is XAmzContentSHA256Mismatch.</summary>
    SignedPayload,

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD: aws-chunked body, every chunk signed.</summary>
    StreamingSigned,

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks plus a signed trailer.</summary>
    StreamingSignedTrailer,

    /// <summary>STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked body, no chunk signatures, unsigned trailer.</summary>
    StreamingUnsignedTrailer,
}
