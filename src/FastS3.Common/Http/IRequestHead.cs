namespace FastS3.Common.Http;

/// <summary>
/// The parsed head of one HTTP request as raw bytes, exactly as received: the seam between the
/// HTTP parser (which implements it) and everything that must see the request as the client
/// signed it (SigV4/SigV2 verification, routing). Nothing here is decoded or normalized: S3
/// signs the path as sent, so a consumer that needs a decoded key decodes it itself.
/// Implementations are used through a generic constraint (<c>where T : IRequestHead</c>) so a
/// struct implementation is never boxed on the hot path.
/// </summary>
public interface IRequestHead
{
    /// <summary>The method token, e.g. <c>GET</c>.</summary>
    ReadOnlySpan<byte> Method { get; }

    /// <summary>The request-target path, still percent-encoded, without the query (starts with '/').</summary>
    ReadOnlySpan<byte> Path { get; }

    /// <summary>The raw query after '?', without the '?'; empty when there is none.</summary>
    ReadOnlySpan<byte> Query { get; }

    /// <summary>Number of header fields, in arrival order (duplicates are separate entries).</summary>
    int HeaderCount { get; }

    /// <summary>Header name as received (case preserved).</summary>
    ReadOnlySpan<byte> HeaderName(int index);

    /// <summary>Header value as received, leading and trailing optional whitespace removed.</summary>
    ReadOnlySpan<byte> HeaderValue(int index);
}
