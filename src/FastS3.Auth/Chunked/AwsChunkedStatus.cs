namespace FastS3.Auth.Chunked;

/// <summary>What one <see cref="AwsChunkedDecoder.Decode"/> call produced.</summary>
public enum AwsChunkedStatus
{
    /// <summary>Nothing more can be decoded from the bytes given; framing bytes of an incomplete line were not consumed.</summary>
    NeedMoreData = 0,

    /// <summary>A slice of decoded object data was returned (and consumed from the reader).</summary>
    Data,

    /// <summary>The final chunk, trailers and closing CRLF were read and every signature verified.</summary>
    Completed,

    /// <summary>The body is invalid; <see cref="AwsChunkedDecoder.Error"/> names why. Terminal.</summary>
    Error,
}
