using System.Buffers;
using System.Security.Cryptography;
using FastS3.Auth;
using FastS3.Auth.Checksums;
using FastS3.Auth.Chunked;
using FastS3.Common.Errors;
using FastS3.Storage;

namespace FastS3.S3;

public sealed partial class S3Application
{
    /// <summary>
    /// Streams the request body into <paramref name="write"/>: removes aws-chunked framing
    /// (verifying every chunk signature and the trailer), and computes MD5 (the ETag), the S3
    /// checksum and, for a signed payload, SHA-256 in the same pass. Nothing becomes visible
    /// here: the caller commits only after every check passed, so a bad chunk, digest or
    /// signature leaves no object and no partial data.
    /// </summary>
    private static async ValueTask<BodyDigest> ReceiveBodyAsync(S3Request r, long expectedLength, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<StoreResult<bool>>> write, ChecksumAlgorithm defaultChecksum = ChecksumAlgorithm.Crc64Nvme)
    {
        var plan = BodyPlan.From(r, defaultChecksum);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var checksum = new ChecksumHasher(plan.ChecksumAlgorithm);
        using var sha256 = r.Auth.PayloadMode == PayloadMode.SignedPayload ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        using var decoder = plan.IsStreaming ? new AwsChunkedDecoder() : null;
        decoder?.Reset(plan.Mode, r.Auth.Chunking, expectedLength, plan.TrailerAlgorithm);

        var reader = r.Body;
        var slices = new List<ReadOnlySequence<byte>>();
        long total = 0;
        var done = false;
        while (!done)
        {
            var result = await reader.ReadAsync(r.Aborted);
            var buffer = result.Buffer;
            if (decoder is null)
            {
                foreach (var segment in buffer)
                {
                    total += segment.Length;
                    if (total > expectedLength)
                    {
                        reader.AdvanceTo(buffer.End);
                        throw new S3Exception(S3ErrorCode.IncompleteBody, "The body is longer than its declared length.");
                    }

                    await ConsumeAsync(segment);
                }

                reader.AdvanceTo(buffer.End);
                done = result.IsCompleted;
                continue;
            }

            slices.Clear();
            var status = DecodeAvailable(decoder, buffer, result.IsCompleted, slices, out var consumed);
            foreach (var data in slices)
            {
                foreach (var segment in data)
                {
                    total += segment.Length;
                    await ConsumeAsync(segment);
                }
            }

            reader.AdvanceTo(consumed, buffer.End);
            switch (status)
            {
                case AwsChunkedStatus.Error:
                    throw new S3Exception(decoder.Error.ToS3Error(), decoder.Error.Message());
                case AwsChunkedStatus.Completed:
                    done = true;
                    break;
                default:
                    if (result.IsCompleted)
                    {
                        throw new S3Exception(S3ErrorCode.IncompleteBody);
                    }

                    break;
            }
        }

        if (total != expectedLength)
        {
            throw new S3Exception(S3ErrorCode.IncompleteBody);
        }

        if (sha256 is not null && !r.Auth.ExpectedPayloadSha256.Matches(sha256.GetHashAndReset()))
        {
            throw new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch);
        }

        var claimed = plan.HeaderChecksum;
        if (decoder is not null && plan.TrailerAlgorithm != ChecksumAlgorithm.None)
        {
            if (decoder.TrailerChecksumAlgorithm != plan.TrailerAlgorithm)
            {
                throw new S3Exception(S3ErrorCode.MalformedTrailerError, "The trailer named in x-amz-trailer was not sent.");
            }

            claimed = decoder.TrailerChecksumValue.ToArray();
        }

        if (claimed is not null && !checksum.Matches(claimed))
        {
            throw new S3Exception(S3ErrorCode.BadDigest, $"The {ChecksumNames.AlgorithmName(plan.ChecksumAlgorithm)} you specified did not match the calculated checksum.");
        }

        var value = new ObjectChecksum(ChecksumNames.AlgorithmName(plan.ChecksumAlgorithm), checksum.GetBase64(), IsComposite: false);
        return new BodyDigest(total, md5.GetHashAndReset(), value);

        async ValueTask ConsumeAsync(ReadOnlyMemory<byte> segment)
        {
            md5.AppendData(segment.Span);
            checksum.Append(segment.Span);
            sha256?.AppendData(segment.Span);
            var written = await write(segment, r.Aborted);
            if (!written.IsSuccess)
            {
                throw new S3Exception(written.Error, written.Message);
            }
        }
    }

    /// <summary>Runs the aws-chunked decoder over what has arrived; data slices stay valid until the
    /// caller advances the reader past <paramref name="consumed"/>.</summary>
    private static AwsChunkedStatus DecodeAvailable(AwsChunkedDecoder decoder, in ReadOnlySequence<byte> buffer, bool isFinal, List<ReadOnlySequence<byte>> slices, out SequencePosition consumed)
    {
        var framed = new SequenceReader<byte>(buffer);
        AwsChunkedStatus status;
        while ((status = decoder.Decode(ref framed, out var data, isFinalBlock: isFinal)) == AwsChunkedStatus.Data)
        {
            slices.Add(data);
        }

        consumed = framed.Position;
        return status;
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
        var reader = r.Body;
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
        long length;
        if (BodyPlan.IsStreamingMode(BodyPlan.ModeOf(r)))
        {
            // aws-chunked: Content-Length (or HTTP chunking) frames the encoded body; the object's
            // size is x-amz-decoded-content-length, which the decoder enforces.
            var decoded = r.Header("x-amz-decoded-content-length"u8);
            if (decoded is null)
            {
                throw new S3Exception(S3ErrorCode.MissingContentLength, "aws-chunked uploads must send x-amz-decoded-content-length.");
            }

            if (!long.TryParse(decoded, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length))
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-decoded-content-length is not a number.");
            }
        }
        else
        {
            length = head.IsChunked ? -1 : head.ContentLength;
        }
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
