namespace FastS3.Http;

/// <summary>Every way a request can be refused by the HTTP layer itself. Mapped to a status in
/// <see cref="BadHttpRequestException"/>; all of them close the connection because the byte stream can no
/// longer be trusted to be framed the way the client meant.</summary>
public enum RequestRejectionReason
{
    None = 0,
    InvalidRequestLine,
    RequestLineTooLong,
    InvalidMethod,
    InvalidRequestTarget,
    UnsupportedHttpVersion,
    InvalidHeaderLine,
    BareLineFeed,
    ObsoleteLineFolding,
    HeadersTooLarge,
    TooManyHeaders,
    InvalidContentLength,
    ConflictingContentLength,
    ContentLengthWithTransferEncoding,
    UnsupportedTransferEncoding,
    InvalidChunkSize,
    ChunkLineTooLong,
    MissingChunkTerminator,
    TrailerTooLarge,
    InvalidTrailer,
    UnexpectedEndOfBody,
    MissingHost,
}
