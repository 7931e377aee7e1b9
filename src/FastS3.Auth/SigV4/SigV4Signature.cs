namespace FastS3.Auth.SigV4;

/// <summary>A computed SigV4 header signature, with its inputs for debugging and tests.</summary>
public sealed record SigV4Signature(
    string Authorization,
    string SignatureHex,
    string SignedHeaders,
    string AmzDate,
    string Scope,
    string CanonicalRequest,
    string StringToSign)
{
    public byte[] SignatureBytes() => Convert.FromHexString(SignatureHex);
}
