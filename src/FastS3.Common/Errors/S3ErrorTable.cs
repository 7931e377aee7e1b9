namespace FastS3.Common.Errors;

/// <summary>One row of the error table: what the client sees for an <see cref="S3ErrorCode"/>.</summary>
public readonly record struct S3ErrorInfo(int Status, string Code, string Message);

/// <summary>
/// The single place that maps an error name to its HTTP status, S3 code string and default
/// message (S3 API Reference, "List of error codes"). Built once; lookups are an array index.
/// </summary>
public static class S3ErrorTable
{
    private static readonly S3ErrorInfo[] Rows = Build();

    public static S3ErrorInfo Get(S3ErrorCode code) => Rows[(int)code];

    public static int Status(S3ErrorCode code) => Rows[(int)code].Status;

    private static S3ErrorInfo[] Build()
    {
        var rows = new S3ErrorInfo[Enum.GetValues<S3ErrorCode>().Length];
        void Add(S3ErrorCode c, int status, string message) => rows[(int)c] = new S3ErrorInfo(status, c.ToString(), message);

        Add(S3ErrorCode.None, 200, "");
        Add(S3ErrorCode.BadDigest, 400, "The Content-MD5 or checksum you specified did not match what we received.");
        Add(S3ErrorCode.BadRequest, 400, "The request could not be parsed.");
        Add(S3ErrorCode.EntityTooSmall, 400, "Your proposed upload is smaller than the minimum allowed object size.");
        Add(S3ErrorCode.EntityTooLarge, 400, "Your proposed upload exceeds the maximum allowed object size.");
        Add(S3ErrorCode.IncompleteBody, 400, "You did not provide the number of bytes specified by the Content-Length HTTP header.");
        Add(S3ErrorCode.InvalidArgument, 400, "Invalid Argument.");
        Add(S3ErrorCode.InvalidBucketName, 400, "The specified bucket is not valid.");
        Add(S3ErrorCode.InvalidDigest, 400, "The Content-MD5 or checksum you specified is not valid.");
        Add(S3ErrorCode.InvalidPart, 400, "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.");
        Add(S3ErrorCode.InvalidPartOrder, 400, "The list of parts was not in ascending order. Parts must be ordered by part number.");
        Add(S3ErrorCode.InvalidRequest, 400, "Invalid Request.");
        Add(S3ErrorCode.InvalidStorageClass, 400, "The storage class you specified is not valid.");
        Add(S3ErrorCode.KeyTooLongError, 400, "Your key is too long.");
        Add(S3ErrorCode.MalformedXML, 400, "The XML you provided was not well-formed or did not validate against our published schema.");
        Add(S3ErrorCode.MalformedTrailerError, 400, "The request contained trailing data that was not well-formed or did not conform to our published schema.");
        Add(S3ErrorCode.MetadataTooLarge, 400, "Your metadata headers exceed the maximum allowed metadata size.");
        Add(S3ErrorCode.TooManyParts, 400, "You have attempted to complete a multipart upload with more than 10000 parts.");
        Add(S3ErrorCode.XAmzContentSHA256Mismatch, 400, "The provided 'x-amz-content-sha256' header does not match what was computed.");
        Add(S3ErrorCode.AuthorizationHeaderMalformed, 400, "The authorization header is malformed.");
        Add(S3ErrorCode.AuthorizationQueryParametersError, 400, "Error parsing the X-Amz-Credential parameter.");
        Add(S3ErrorCode.InvalidEncryptionAlgorithmError, 400, "The encryption request you specified is not valid.");
        Add(S3ErrorCode.UnexpectedContent, 400, "This request does not support content.");
        Add(S3ErrorCode.InvalidChunkSizeError, 400, "Only the last chunk is allowed to have a size less than 8192 bytes.");
        Add(S3ErrorCode.ExpiredToken, 400, "The provided token has expired.");
        Add(S3ErrorCode.InvalidTag, 400, "The tag provided was not a valid tag.");
        Add(S3ErrorCode.AccessDenied, 403, "Access Denied.");
        Add(S3ErrorCode.InvalidAccessKeyId, 403, "The AWS access key Id you provided does not exist in our records.");
        Add(S3ErrorCode.SignatureDoesNotMatch, 403, "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
        Add(S3ErrorCode.RequestTimeTooSkewed, 403, "The difference between the request time and the server's time is too large.");
        Add(S3ErrorCode.NoSuchBucket, 404, "The specified bucket does not exist.");
        Add(S3ErrorCode.NoSuchKey, 404, "The specified key does not exist.");
        Add(S3ErrorCode.NoSuchUpload, 404, "The specified multipart upload does not exist. The upload ID might not be valid, or the multipart upload might have been aborted or completed.");
        Add(S3ErrorCode.NoSuchVersion, 404, "The specified version does not exist.");
        Add(S3ErrorCode.NotFound, 404, "Not Found.");
        Add(S3ErrorCode.MethodNotAllowed, 405, "The specified method is not allowed against this resource.");
        Add(S3ErrorCode.BucketAlreadyExists, 409, "The requested bucket name is not available.");
        Add(S3ErrorCode.BucketAlreadyOwnedByYou, 409, "The bucket you tried to create already exists, and you own it.");
        Add(S3ErrorCode.BucketNotEmpty, 409, "The bucket you tried to delete is not empty.");
        Add(S3ErrorCode.OperationAborted, 409, "A conflicting conditional operation is currently in progress against this resource.");
        Add(S3ErrorCode.ConditionalRequestConflict, 409, "A conflicting operation occurred. Retry the request.");
        Add(S3ErrorCode.MissingContentLength, 411, "You must provide the Content-Length HTTP header.");
        Add(S3ErrorCode.PreconditionFailed, 412, "At least one of the preconditions you specified did not hold.");
        Add(S3ErrorCode.RequestEntityTooLarge, 413, "The request body is too large.");
        Add(S3ErrorCode.UriTooLong, 414, "The request line is too long.");
        Add(S3ErrorCode.InvalidRange, 416, "The requested range is not satisfiable.");
        Add(S3ErrorCode.InvalidPartNumber, 416, "The requested partnumber is not satisfiable.");
        Add(S3ErrorCode.RequestHeaderSectionTooLarge, 431, "Your request header section exceeds the maximum allowed size.");
        Add(S3ErrorCode.InternalError, 500, "We encountered an internal error. Please try again.");
        Add(S3ErrorCode.NotImplemented, 501, "A header or query you provided implies functionality that is not implemented.");
        Add(S3ErrorCode.SlowDown, 503, "Please reduce your request rate.");
        Add(S3ErrorCode.ServiceUnavailable, 503, "The service is unavailable. Please retry.");
        Add(S3ErrorCode.InsufficientStorage, 507, "The server does not have enough storage to complete the request.");

        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i].Code is null)
            {
                throw new InvalidOperationException($"S3 error table has no row for {(S3ErrorCode)i}.");
            }
        }

        return rows;
    }
}
