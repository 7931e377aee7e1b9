using System.Buffers;
using System.Text;
using FastS3.Auth.Chunked;
using FastS3.Common.Errors;
using Xunit;

namespace FastS3.Auth.Tests;

/// <summary>Framing and signature failures of the aws-chunked decoder, each a named error, never an exception.</summary>
public class ChunkedDecoderTests
{
    private static readonly byte[] Payload = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef", 40)));

    private static ChunkedDriver.Outcome Run(byte[] body, PayloadMode mode = PayloadMode.StreamingSigned, long decodedLength = -1)
    {
        using var decoder = ChunkedFixture.Decoder(mode, decodedLength);
        return ChunkedDriver.Run(decoder, body);
    }

    private static byte[] Signed(PayloadMode mode = PayloadMode.StreamingSigned) => ChunkedFixture.Encode(Payload, [100, 300], mode);

    private static byte[] Replace(byte[] body, string from, string to)
    {
        var text = Encoding.Latin1.GetString(body);
        var at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, from);
        return Encoding.Latin1.GetBytes(text[..at] + to + text[(at + from.Length)..]);
    }

    [Theory]
    [InlineData(PayloadMode.StreamingSigned)]
    [InlineData(PayloadMode.StreamingSignedTrailer)]
    [InlineData(PayloadMode.StreamingUnsignedTrailer)]
    public void Valid_body_decodes(PayloadMode mode)
    {
        var outcome = Run(Signed(mode), mode, Payload.Length);
        Assert.Equal(AwsChunkedStatus.Completed, outcome.Status);
        Assert.Equal(Payload, outcome.Data);
    }

    [Fact]
    public void Tampered_data_in_one_chunk_fails_at_that_chunk()
    {
        var body = Signed();
        body[Encoding.ASCII.GetByteCount("64;chunk-signature=") + 64 + 2 + 10] ^= 1;
        var outcome = Run(body);
        Assert.Equal(AwsChunkedError.ChunkSignatureMismatch, outcome.Error);
        Assert.Equal(1, outcome.ChunkCount);
        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, outcome.Error.ToS3Error());
    }

    /// <summary>A ~20 MiB upload in 64 KiB signed chunks; one byte flipped in chunk 161 is reported there and nowhere earlier.</summary>
    [Fact]
    public void Tampered_chunk_in_the_middle_of_a_20_MiB_stream_fails_at_that_chunk()
    {
        var data = new byte[20 * 1024 * 1024];
        new Random(20).NextBytes(data);
        const int chunk = 64 * 1024;
        var body = ChunkedFixture.Encode(data, [chunk], PayloadMode.StreamingSigned);
        var perChunkFraming = chunk.ToString("x", System.Globalization.CultureInfo.InvariantCulture).Length + 17 + 64 + 2 + 2;
        const int target = 160; // 0-based: the 161st chunk
        body[((long)target * (chunk + perChunkFraming)) + perChunkFraming - 2 + 5000] ^= 0x40;

        using var decoder = ChunkedFixture.Decoder(PayloadMode.StreamingSigned, data.Length);
        var outcome = ChunkedDriver.Run(decoder, body, Enumerable.Range(1, 400).Select(i => i * 52_429));
        Assert.Equal(AwsChunkedError.ChunkSignatureMismatch, outcome.Error);
        Assert.Equal(target + 1, outcome.ChunkCount);
        Assert.Equal((long)(target + 1) * chunk, decoder.DecodedLength);
    }

    [Fact]
    public void Tampered_chunk_signature_fails()
    {
        var body = Signed();
        var text = Encoding.Latin1.GetString(body);
        var at = text.IndexOf(";chunk-signature=", StringComparison.Ordinal) + 17;
        body[at] = body[at] == (byte)'0' ? (byte)'1' : (byte)'0';
        Assert.Equal(AwsChunkedError.ChunkSignatureMismatch, Run(body).Error);
    }

    [Fact]
    public void Reordered_chunks_fail_because_signatures_chain()
    {
        var a = ChunkedFixture.Encode(Payload, [320], PayloadMode.StreamingSigned);
        var text = Encoding.Latin1.GetString(a);
        var firstEnd = text.IndexOf("\r\n", text.IndexOf("\r\n", StringComparison.Ordinal) + 2, StringComparison.Ordinal) + 2;
        var secondEnd = text.IndexOf("\r\n", text.IndexOf("\r\n", firstEnd, StringComparison.Ordinal) + 2, StringComparison.Ordinal) + 2;
        var swapped = text[firstEnd..secondEnd] + text[..firstEnd] + text[secondEnd..];
        Assert.Equal(AwsChunkedError.ChunkSignatureMismatch, Run(Encoding.Latin1.GetBytes(swapped)).Error);
    }

    [Fact]
    public void Tampered_trailer_value_fails_trailer_signature()
    {
        var body = Signed(PayloadMode.StreamingSignedTrailer);
        var text = Encoding.Latin1.GetString(body);
        var at = text.IndexOf("x-amz-checksum-crc32c:", StringComparison.Ordinal) + 22;
        body[at] = body[at] == (byte)'A' ? (byte)'B' : (byte)'A';
        var outcome = Run(body, PayloadMode.StreamingSignedTrailer);
        Assert.Equal(AwsChunkedError.TrailerSignatureMismatch, outcome.Error);
    }

    [Fact]
    public void Missing_trailer_signature_fails()
    {
        var body = Signed(PayloadMode.StreamingSignedTrailer);
        var text = Encoding.Latin1.GetString(body);
        var at = text.IndexOf("x-amz-trailer-signature:", StringComparison.Ordinal);
        var stripped = Encoding.Latin1.GetBytes(text[..at] + "\r\n");
        Assert.Equal(AwsChunkedError.MissingTrailerSignature, Run(stripped, PayloadMode.StreamingSignedTrailer).Error);
    }

    [Fact]
    public void Expected_trailer_checksum_must_be_present()
    {
        var body = ChunkedFixture.Encode(Payload, [100], PayloadMode.StreamingUnsignedTrailer);
        using var decoder = new AwsChunkedDecoder();
        decoder.Reset(PayloadMode.StreamingUnsignedTrailer, null, Payload.Length, Checksums.ChecksumAlgorithm.Sha256);
        var outcome = ChunkedDriver.Run(decoder, body);
        Assert.Equal(AwsChunkedError.MissingTrailerChecksum, outcome.Error);
        Assert.Equal(S3ErrorCode.MalformedTrailerError, outcome.Error.ToS3Error());
    }

    [Theory]
    [InlineData("64;chunk-signature=", "6g;chunk-signature=", AwsChunkedError.InvalidChunkSize)]
    [InlineData("64;chunk-signature=", ";chunk-signature=", AwsChunkedError.InvalidChunkSize)]
    [InlineData("64;chunk-signature=", "1000000000000064;chunk-signature=", AwsChunkedError.ChunkSizeOverflow)]
    [InlineData("64;chunk-signature=", "64;chunk-sig=", AwsChunkedError.MalformedChunkExtension)]
    [InlineData("64;chunk-signature=", "64;x=1;chunk-signature=", AwsChunkedError.MalformedChunkExtension)]
    public void Bad_chunk_header_is_named(string from, string to, AwsChunkedError error)
    {
        var outcome = Run(Replace(Signed(), from, to));
        Assert.Equal(error, outcome.Error);
        Assert.NotEqual(S3ErrorCode.None, outcome.Error.ToS3Error());
    }

    [Fact]
    public void Bare_lf_after_chunk_header_is_refused()
    {
        var text = Encoding.Latin1.GetString(Signed());
        var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        var body = Encoding.Latin1.GetBytes(text[..lineEnd] + text[(lineEnd + 1)..]);
        Assert.Equal(AwsChunkedError.BareLineFeed, Run(body).Error);
    }

    [Fact]
    public void Missing_crlf_after_data_is_refused()
    {
        var text = Encoding.Latin1.GetString(Signed());
        var dataStart = text.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        var body = Encoding.Latin1.GetBytes(text[..(dataStart + 100)] + "XY" + text[(dataStart + 102)..]);
        var outcome = Run(body);
        Assert.Equal(AwsChunkedError.MissingCrlfAfterData, outcome.Error);
        Assert.Equal(S3ErrorCode.IncompleteBody, outcome.Error.ToS3Error());
    }

    [Fact]
    public void Missing_chunk_signature_in_signed_mode_is_refused()
    {
        var body = Encoding.ASCII.GetBytes("5\r\nhello\r\n0\r\n\r\n");
        Assert.Equal(AwsChunkedError.MissingChunkSignature, Run(body).Error);
    }

    [Fact]
    public void Overlong_chunk_extension_is_refused_before_its_end_arrives()
    {
        var body = Encoding.ASCII.GetBytes("5;" + new string('x', AwsChunkedDecoder.MaxChunkExtensionBytes + 100));
        using var decoder = ChunkedFixture.Decoder(PayloadMode.StreamingUnsignedTrailer, -1);
        var outcome = ChunkedDriver.Run(decoder, body, finalBlock: false);
        Assert.Equal(AwsChunkedError.ChunkLineTooLong, outcome.Error);
    }

    [Fact]
    public void Oversized_trailer_section_is_refused()
    {
        var sb = new StringBuilder("5\r\nhello\r\n0\r\n");
        for (var i = 0; i < 400; i++)
        {
            sb.Append("x-amz-meta-").Append(i).Append(':').Append(new string('v', 40)).Append("\r\n");
        }

        var outcome = Run(Encoding.ASCII.GetBytes(sb.Append("\r\n").ToString()), PayloadMode.StreamingUnsignedTrailer);
        Assert.Equal(AwsChunkedError.TrailerTooLarge, outcome.Error);
        Assert.Equal(S3ErrorCode.MalformedTrailerError, outcome.Error.ToS3Error());
    }

    [Fact]
    public void Malformed_trailer_line_is_refused() =>
        Assert.Equal(AwsChunkedError.MalformedTrailer, Run(Encoding.ASCII.GetBytes("5\r\nhello\r\n0\r\nno colon here\r\n\r\n"), PayloadMode.StreamingUnsignedTrailer).Error);

    [Fact]
    public void Decoded_length_mismatch_is_refused_both_ways()
    {
        Assert.Equal(AwsChunkedError.DecodedLengthExceeded, Run(Signed(), PayloadMode.StreamingSigned, Payload.Length - 1).Error);
        Assert.Equal(AwsChunkedError.DecodedLengthMismatch, Run(Signed(), PayloadMode.StreamingSigned, Payload.Length + 1).Error);
    }

    [Fact]
    public void Data_after_the_end_is_refused()
    {
        var body = Signed().Concat("GET / HTTP/1.1\r\n"u8.ToArray()).ToArray();
        Assert.Equal(AwsChunkedError.DataAfterEnd, Run(body).Error);
    }

    [Fact]
    public void Truncated_body_needs_more_then_is_incomplete_at_end_of_input()
    {
        var body = Signed();
        for (var cut = 0; cut < body.Length; cut += 37)
        {
            using var decoder = ChunkedFixture.Decoder(PayloadMode.StreamingSigned, Payload.Length);
            Assert.Equal(AwsChunkedStatus.NeedMoreData, ChunkedDriver.Run(decoder, body[..cut], finalBlock: false).Status);
            decoder.Reset(PayloadMode.StreamingSigned, ChunkedFixture.SharedContext, Payload.Length);
            Assert.Equal(AwsChunkedError.IncompleteBody, ChunkedDriver.Run(decoder, body[..cut], finalBlock: true).Error);
        }
    }

    [Fact]
    public void Need_more_consumes_no_partial_chunk_header()
    {
        var body = Signed();
        var partial = body[..40]; // inside the first chunk-header line
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(partial));
        using var decoder = ChunkedFixture.Decoder(PayloadMode.StreamingSigned, -1);
        Assert.Equal(AwsChunkedStatus.NeedMoreData, decoder.Decode(ref reader, out _));
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void Data_slices_are_the_input_memory_not_copies()
    {
        var body = Signed();
        var sequence = new ReadOnlySequence<byte>(body);
        var reader = new SequenceReader<byte>(sequence);
        using var decoder = ChunkedFixture.Decoder(PayloadMode.StreamingSigned, -1);
        Assert.Equal(AwsChunkedStatus.Data, decoder.Decode(ref reader, out var data));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data.First, out var segment));
        Assert.Same(body, segment.Array);
    }

    [Fact]
    public void Error_is_terminal()
    {
        var body = Replace(Signed(), "64;chunk-signature=", "zz;chunk-signature=");
        using var decoder = ChunkedFixture.Decoder(PayloadMode.StreamingSigned, -1);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(body));
        Assert.Equal(AwsChunkedStatus.Error, decoder.Decode(ref reader, out _));
        Assert.Equal(AwsChunkedStatus.Error, decoder.Decode(ref reader, out _));
        Assert.Equal(AwsChunkedError.InvalidChunkSize, decoder.Error);
    }
}
