namespace FastS3.Http;

/// <summary>
/// Every limit the HTTP layer enforces, checked before the work it bounds. Defaults are safe for
/// an internet-facing S3 endpoint; each names the threat it prevents.
/// </summary>
public sealed record HttpLimits
{
    /// <summary>8 KiB, the common server default (RFC 9112 §3 recommends at least 8000 octets). Longer -> 414.
    /// Prevents pre-auth memory exhaustion through an endless request line.</summary>
    public int MaxRequestLineBytes { get; init; } = 8 * 1024;

    /// <summary>16 KiB of header fields (after the request line). More -> 431. Prevents pre-auth memory exhaustion;
    /// AWS itself caps the request headers at 8 KiB of user metadata plus the rest.</summary>
    public int MaxHeaderBytes { get; init; } = 16 * 1024;

    /// <summary>100 header fields. More -> 431. Prevents hash/scan blow-ups on header lookups.</summary>
    public int MaxHeaderCount { get; init; } = 100;

    /// <summary>How long a client may take to send a complete request head once it started one (slowloris).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an idle keep-alive connection is kept open waiting for the next request.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(130);

    /// <summary>How long a body read may make no progress before the connection is dropped.</summary>
    public TimeSpan BodyReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest chunk-size line (size + extensions) in chunked transfer coding. Prevents a chunk
    /// extension from being used to buffer unbounded data.</summary>
    public int MaxChunkLineBytes { get; init; } = 4 * 1024;

    /// <summary>Largest trailer section of a chunked body. Same threat as the header limit.</summary>
    public int MaxTrailerBytes { get; init; } = 16 * 1024;

    /// <summary>An unread request body up to this size is drained after an early error response so the
    /// connection can be kept; a larger one closes the connection instead of reading it.</summary>
    public long MaxDrainBytes { get; init; } = 1024 * 1024;

    /// <summary>How long shutdown waits for in-flight requests before closing their connections.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A response body of at least this many bytes may be sent from where it lives straight
    /// to the socket, past the output pipe (see <see cref="FastS3.Common.Http.IDirectBodySink"/>).
    /// 64 KiB: the pipe's pause threshold, above which a body is streamed in flushed steps anyway;
    /// below it the copy is cheap and the response joins the batch flush of pipelined requests.
    /// <see cref="long.MaxValue"/> turns direct sends off.</summary>
    public long DirectSendMinBytes { get; init; } = 64 * 1024;

    public int MaxHeadBytes => MaxRequestLineBytes + MaxHeaderBytes + 4;
}
