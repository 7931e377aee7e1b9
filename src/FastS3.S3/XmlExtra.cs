namespace FastS3.S3;

/// <summary>Extra elements S3 adds to some error bodies (e.g. StringToSign and CanonicalRequest on
/// SignatureDoesNotMatch, Region on AuthorizationHeaderMalformed).</summary>
public sealed record XmlExtra(IReadOnlyList<KeyValuePair<string, string>> Elements);
