namespace FastS3.Common.Errors;

/// <summary>
/// Every error FastS3 answers with. Each name maps to exactly one (HTTP status, S3 code, default
/// message) row in <see cref="S3ErrorTable"/>; nothing else in the code base chooses a status.
/// Names follow the S3 API Reference "Error responses" list.
/// </summary>
public enum S3ErrorCode
{
    None = 0,

    // 400
    BadDigest,
    BadRequest,
    EntityTooSmall,
    EntityTooLarge,
    IncompleteBody,
    InvalidArgument,
    InvalidBucketName,
    InvalidDigest,
    InvalidPart,
    InvalidPartOrder,
    InvalidRequest,
    InvalidStorageClass,
    KeyTooLongError,
    MalformedXML,
    MalformedTrailerError,
    MetadataTooLarge,
    TooManyParts,
    XAmzContentSHA256Mismatch,
    AuthorizationHeaderMalformed,
    AuthorizationQueryParametersError,
    InvalidEncryptionAlgorithmError,
    UnexpectedContent,
    InvalidChunkSizeError,
    ExpiredToken,
    InvalidTag,

    // 403
    AccessDenied,
    InvalidAccessKeyId,
    SignatureDoesNotMatch,
    RequestTimeTooSkewed,

    // 404
    NoSuchBucket,
    NoSuchKey,
    NoSuchUpload,
    NoSuchVersion,
    NotFound,

    // 405
    MethodNotAllowed,

    // 409
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    OperationAborted,
    ConditionalRequestConflict,

    // 411
    MissingContentLength,

    // 412
    PreconditionFailed,

    // 413
    RequestEntityTooLarge,

    // 414
    UriTooLong,

    // 416
    InvalidRange,
    InvalidPartNumber,

    // 431
    RequestHeaderSectionTooLarge,

    // 500
    InternalError,

    // 501
    NotImplemented,

    // 503
    SlowDown,
    ServiceUnavailable,

    // 507
    InsufficientStorage,
}
