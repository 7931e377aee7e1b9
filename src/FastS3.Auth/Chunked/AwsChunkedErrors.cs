using FastS3.Common.Errors;

namespace FastS3.Auth.Chunked;

/// <summary>The one mapping from <see cref="AwsChunkedError"/> to (S3 error, message).</summary>
public static class AwsChunkedErrors
{
    public static S3ErrorCode ToS3Error(this AwsChunkedError error) => error switch
    {
        AwsChunkedError.None => S3ErrorCode.None,
        AwsChunkedError.InvalidChunkSize or AwsChunkedError.ChunkSizeOverflow or AwsChunkedError.BareLineFeed
            or AwsChunkedError.ChunkLineTooLong or AwsChunkedError.MalformedChunkExtension or AwsChunkedError.DataAfterEnd => S3ErrorCode.InvalidArgument,
        AwsChunkedError.MissingCrlfAfterData or AwsChunkedError.DecodedLengthExceeded or AwsChunkedError.DecodedLengthMismatch
            or AwsChunkedError.IncompleteBody => S3ErrorCode.IncompleteBody,
        AwsChunkedError.TrailerTooLarge or AwsChunkedError.MalformedTrailer or AwsChunkedError.MissingTrailerChecksum => S3ErrorCode.MalformedTrailerError,
        AwsChunkedError.MissingChunkSignature or AwsChunkedError.ChunkSignatureMismatch or AwsChunkedError.MissingTrailerSignature
            or AwsChunkedError.TrailerSignatureMismatch => S3ErrorCode.SignatureDoesNotMatch,
        _ => S3ErrorCode.InvalidArgument,
    };

    public static string Message(this AwsChunkedError error) => error switch
    {
        AwsChunkedError.None => "",
        AwsChunkedError.InvalidChunkSize => "aws-chunked: chunk size is not a hex number.",
        AwsChunkedError.ChunkSizeOverflow => "aws-chunked: chunk size is too large.",
        AwsChunkedError.BareLineFeed => "aws-chunked: line ended in LF without CR.",
        AwsChunkedError.ChunkLineTooLong => "aws-chunked: chunk header line (size and extensions) is too long.",
        AwsChunkedError.MalformedChunkExtension => "aws-chunked: malformed chunk extension.",
        AwsChunkedError.MissingChunkSignature => "aws-chunked: chunk has no chunk-signature.",
        AwsChunkedError.MissingCrlfAfterData => "aws-chunked: chunk data is not followed by CRLF.",
        AwsChunkedError.ChunkSignatureMismatch => "The chunk signature we calculated does not match the signature you provided.",
        AwsChunkedError.DecodedLengthExceeded => "aws-chunked: more data than x-amz-decoded-content-length.",
        AwsChunkedError.DecodedLengthMismatch => "aws-chunked: decoded length differs from x-amz-decoded-content-length.",
        AwsChunkedError.TrailerTooLarge => "aws-chunked: trailer section is too large.",
        AwsChunkedError.MalformedTrailer => "The request contained trailing data that was not well-formed or did not conform to our published schema.",
        AwsChunkedError.MissingTrailerChecksum => "aws-chunked: the checksum named in x-amz-trailer was not sent.",
        AwsChunkedError.MissingTrailerSignature => "aws-chunked: trailer has no x-amz-trailer-signature.",
        AwsChunkedError.TrailerSignatureMismatch => "The trailer signature we calculated does not match the signature you provided.",
        AwsChunkedError.DataAfterEnd => "aws-chunked: data after the end of the encoded body.",
        AwsChunkedError.IncompleteBody => "aws-chunked: the body ended before the final chunk and trailers.",
        _ => error.ToString(),
    };
}
