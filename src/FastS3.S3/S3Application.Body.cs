using System.Buffers;
using System.Security.Cryptography;
using FastS3.Common.Errors;
using FastS3.Storage;

namespace FastS3.S3;

public sealed partial class S3Application
{
    /// <summary>
    /// Streams the request body into <paramref name="write"/>, hashing as it goes (one pass over
    /// the data). Nothing becomes visible here: the caller commits only after every check passed.
    /// </summary>
    private static async ValueTask<BodyDigest> ReceiveBodyAsync(S3Request r, long expectedLength, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<StoreResult<bool>>> write)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var reader = r.Http.Body;
        long total = 0;
        while (true)
        {
            var result = await reader.ReadAsync(r.Aborted);
            var buffer = result.Buffer;
            foreach (var segment in buffer)
            {
                total += segment.Length;
                if (total > expectedLength)
                {
                    throw new S3Exception(S3ErrorCode.IncompleteBody, "The body is longer than its declared length.");
                }

                md5.AppendData(segment.Span);
                var written = await write(segment, r.Aborted);
                if (!written.IsSuccess)
                {
                    reader.AdvanceTo(buffer.End);
                    throw new S3Exception(written.Error, written.Message);
                }
            }

            reader.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        if (total != expectedLength)
        {
            throw new S3Exception(S3ErrorCode.IncompleteBody);
        }

        return new BodyDigest(total, md5.GetHashAndReset());
    }

    /// <summary>Reads a small body whole (XML requests), refusing more than the configured limit.</summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReadSmallBodyAsync(S3Request r)
    {
        var head = r.Head;
        if (!head.HasBody)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (head.ContentLength > _options.MaxXmlBodyBytes)
        {
            throw new S3Exception(S3ErrorCode.RequestEntityTooLarge, $"XML request bodies are limited to {_options.MaxXmlBodyBytes} bytes.");
        }

        var output = new ArrayBufferWriter<byte>((int)Math.Max(head.ContentLength, 256));
        var reader = r.Http.Body;
        while (true)
        {
            var result = await reader.ReadAsync(r.Aborted);
            foreach (var segment in result.Buffer)
            {
                if (output.WrittenCount + segment.Length > _options.MaxXmlBodyBytes)
                {
                    reader.AdvanceTo(result.Buffer.End);
                    throw new S3Exception(S3ErrorCode.RequestEntityTooLarge);
                }

                output.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        return output.WrittenMemory;
    }

    /// <summary>Content-MD5 (RFC 1864): base64 of 16 bytes; anything else is InvalidDigest.</summary>
    private static byte[]? ParseContentMd5(S3Request r)
    {
        var header = r.Header("content-md5"u8);
        if (header is null)
        {
            return null;
        }

        var bytes = new byte[18];
        if (!Convert.TryFromBase64String(header, bytes, out var n) || n != 16)
        {
            throw new S3Exception(S3ErrorCode.InvalidDigest);
        }

        return bytes[..16];
    }

    /// <summary>The decoded body length a PUT declares: Content-Length, or for aws-chunked framing
    /// x-amz-decoded-content-length. Missing -> 411.</summary>
    private long DeclaredBodyLength(S3Request r)
    {
        var head = r.Head;
        if (!head.IsChunked && head.ContentLength < 0)
        {
            throw new S3Exception(S3ErrorCode.MissingContentLength);
        }

        var length = head.IsChunked ? -1 : head.ContentLength;
        if (length < 0)
        {
            throw new S3Exception(S3ErrorCode.MissingContentLength);
        }

        if (length > _options.MaxPutBytes)
        {
            throw new S3Exception(S3ErrorCode.EntityTooLarge);
        }

        return length;
    }
}
