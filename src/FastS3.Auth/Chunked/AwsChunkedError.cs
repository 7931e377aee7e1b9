namespace FastS3.Auth.Chunked;

/// <summary>Every way an aws-chunked body can be rejected; <see cref="AwsChunkedErrors"/> maps each to an S3 error.</summary>
public enum AwsChunkedError
{
    None = 0,
    InvalidChunkSize,
    ChunkSizeOverflow,
    BareLineFeed,
    ChunkLineTooLong,
    MalformedChunkExtension,
    MissingChunkSignature,
    MissingCrlfAfterData,
    ChunkSignatureMismatch,
    DecodedLengthExceeded,
    DecodedLengthMismatch,
    TrailerTooLarge,
    MalformedTrailer,
    MissingTrailerChecksum,
    MissingTrailerSignature,
    TrailerSignatureMismatch,
    DataAfterEnd,
    IncompleteBody,
}
