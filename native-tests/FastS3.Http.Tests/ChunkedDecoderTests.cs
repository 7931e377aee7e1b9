using System.Buffers;
using System.Text;

namespace FastS3.Http.Tests;

/// <summary>Transfer-Encoding: chunked decoding (RFC 9112 §7.1): exact data, any split, every refusal.</summary>
public class ChunkedDecoderTests
{
    private static byte[] B(string latin1) => Encoding.Latin1.GetBytes(latin1);

    private static void AssertDecodes(string encoded, string expected)
    {
        var bytes = B(encoded);
        var whole = ChunkedDriver.Decode(bytes);
        Assert.True(whole.Completed);
        Assert.Equal(expected, Encoding.Latin1.GetString(whole.Data));
        Assert.Equal(bytes.Length, whole.Consumed);

        var bytewise = ChunkedDriver.Decode(bytes, Enumerable.Range(1, bytes.Length));
        Assert.Equal(whole, bytewise with { Data = whole.Data });
        Assert.Equal(whole.Data, bytewise.Data);
    }

    private static BadHttpRequestException AssertRefused(string encoded, RequestRejectionReason reason, HttpLimits? limits = null)
    {
        var bytes = B(encoded);
        var whole = Assert.Throws<BadHttpRequestException>(() => ChunkedDriver.Decode(bytes, limits));
        Assert.Equal(reason, whole.Reason);
        Assert.Equal(400, whole.Status);
        var bytewise = Assert.Throws<BadHttpRequestException>(() => ChunkedDriver.Decode(bytes, Enumerable.Range(1, bytes.Length), limits));
        Assert.Equal(reason, bytewise.Reason);
        return whole;
    }

    [Fact]
    public void Simple_body_decodes() =>
        AssertDecodes("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world");

    [Fact]
    public void Extensions_are_ignored() =>
        AssertDecodes("5;name=value;flag\r\nhello\r\n6 ; q=\"a;b\"\r\n world\r\n1\t;x\r\n!\r\n0;last\r\n\r\n", "hello world!");

    [Fact]
    public void Trailers_are_consumed_and_not_data() =>
        AssertDecodes("3\r\nabc\r\n0\r\nX-Checksum: abc\r\nx-amz-checksum-crc32:BWUqWA==\r\n\r\n", "abc");

    [Fact]
    public void Hex_sizes_in_either_case_and_with_leading_zeros() =>
        AssertDecodes("A\r\n0123456789\r\na\r\nabcdefghij\r\n00010\r\n" + new string('z', 16) + "\r\n0000\r\n\r\n", "0123456789abcdefghij" + new string('z', 16));

    [Fact]
    public void Empty_body_is_just_the_last_chunk() =>
        AssertDecodes("0\r\n\r\n", "");

    [Fact]
    public void Data_may_contain_crlf_and_binary()
    {
        var body = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var encoded = ChunkedDriver.Encode(body, [100, 3, 255]);
        var outcome = ChunkedDriver.Decode(encoded);
        Assert.True(outcome.Completed);
        Assert.Equal(body, outcome.Data);
    }

    /// <summary>Decoding stops at the end of the chunked body: the next pipelined request is left alone.</summary>
    [Fact]
    public void Bytes_after_the_body_are_not_consumed()
    {
        var body = B("4\r\nWiki\r\n0\r\nT: v\r\n\r\n");
        var next = B("GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
        var outcome = ChunkedDriver.Decode([.. body, .. next]);
        Assert.True(outcome.Completed);
        Assert.Equal(body.Length, outcome.Consumed);
        Assert.Equal("Wiki", Encoding.ASCII.GetString(outcome.Data));
    }

    [Fact]
    public void Incomplete_body_needs_more_and_consumes_only_whole_units()
    {
        var encoded = B("5\r\nhello\r\n0\r\n\r\n");
        for (var n = 0; n < encoded.Length; n++)
        {
            var outcome = ChunkedDriver.Decode(encoded[..n]);
            Assert.False(outcome.Completed);
            Assert.Equal("hello"[..Math.Clamp(n - 3, 0, 5)], Encoding.ASCII.GetString(outcome.Data));
            Assert.True(outcome.Consumed <= n);
        }
    }

    /// <summary>"Need more" can still have consumed whole units (here the size line): the caller must
    /// resume from <c>reader.Position</c>, as the body pump does, never from where it started.</summary>
    [Fact]
    public void Need_more_after_a_size_line_has_consumed_that_line()
    {
        var decoder = default(ChunkedDecoder);
        var first = B("5\r\n");
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(first));
        Assert.False(decoder.TryDecode(ref reader, Heads.Limits, out _));
        Assert.Equal(first.Length, reader.Consumed);

        var rest = B("hello\r\n0\r\n\r\n");
        reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(rest));
        Assert.True(decoder.TryDecode(ref reader, Heads.Limits, out var data));
        Assert.Equal("hello", Encoding.ASCII.GetString(data.ToArray()));
    }

    public static readonly TheoryData<string> SplitCases =
    [
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        "5;a=b\r\nhello\r\n1A;ext=\"x y\"\r\nabcdefghijklmnopqrstuvwxyz\r\n0;z\r\nT-One: 1\r\nT-Two:2\r\n\r\n",
        "1\r\n\n\r\n2\r\n\r\n\r\n0\r\n\r\n",
    ];

    /// <summary>Two arrivals cut at every offset, and every offset plus a second random cut.</summary>
    [Theory]
    [MemberData(nameof(SplitCases))]
    public void Split_at_every_point_gives_the_same_bytes(string encodedText)
    {
        var encoded = B(encodedText);
        var expected = ChunkedDriver.Decode(encoded);
        Assert.True(expected.Completed);
        var random = new Random(encoded.Length);
        for (var cut = 0; cut <= encoded.Length; cut++)
        {
            Assert.Equal(expected.Data, ChunkedDriver.Decode(encoded, [cut]).Data);
            var pair = ChunkedDriver.Decode(encoded, [cut, random.Next(encoded.Length + 1)]);
            Assert.Equal(expected.Data, pair.Data);
            Assert.True(pair.Completed);
            Assert.Equal(encoded.Length, pair.Consumed);
        }
    }

    /// <summary>All bytes present at once, but one segment per byte (and empty segments), as a pipe may chain them.</summary>
    [Theory]
    [MemberData(nameof(SplitCases))]
    public void One_segment_per_byte_gives_the_same_bytes(string encodedText)
    {
        var encoded = B(encodedText);
        var expected = ChunkedDriver.Decode(encoded);
        foreach (var sequence in new[] { Segments.Bytewise(encoded), Segments.SplitAt(encoded, Enumerable.Range(0, encoded.Length).SelectMany(i => new[] { i, i })) })
        {
            var decoder = default(ChunkedDecoder);
            var reader = new SequenceReader<byte>(sequence);
            var output = new List<byte>();
            for (var guard = 0; !decoder.IsCompleted && decoder.TryDecode(ref reader, Heads.Limits, out var data); guard++)
            {
                Assert.True(guard < 1000);
                foreach (var segment in data)
                {
                    output.AddRange(segment.Span);
                }
            }

            Assert.True(decoder.IsCompleted);
            Assert.Equal(expected.Data, output);
            Assert.Equal(encoded.Length, reader.Consumed);
        }
    }

    /// <summary>The .NET SDK's aws-chunked bodies use the chunked syntax (size;chunk-signature=..., then
    /// trailers); the decoder must take them apart to exactly x-amz-decoded-content-length bytes.</summary>
    [Theory]
    [InlineData("dotnet-put-object-default", 67)]
    [InlineData("dotnet-put-object-crc32c", 67)]
    [InlineData("dotnet-put-object-contentbody", 23)]
    [InlineData("dotnet-put-object-200k", 204800)]
    [InlineData("dotnet-put-object-when-required", 67)]
    [InlineData("dotnet-put-object-transferutility", 67)]
    public void Corpus_aws_chunked_bodies_decode_to_their_decoded_length(string name, int decodedLength)
    {
        var bytes = Corpus.Read(name);
        var head = Heads.Parse(bytes);
        var body = bytes[head.HeadLength..];
        Assert.Equal(head.ContentLength, body.Length);
        var outcome = ChunkedDriver.Decode(body, Enumerable.Range(1, body.Length / 4093).Select(i => i * 4093));
        Assert.True(outcome.Completed);
        Assert.Equal(body.Length, outcome.Consumed);
        Assert.Equal(decodedLength, outcome.Data.Length);
        if (decodedLength == 67)
        {
            Assert.StartsWith("Hello from the S3 request corpus.\n", Encoding.ASCII.GetString(outcome.Data), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("dotnet-upload-part-part1-truncated")]
    [InlineData("dotnet-upload-part-transferutility-part1-truncated")]
    public void Truncated_aws_chunked_part_yields_its_first_chunk_and_needs_more(string name)
    {
        var bytes = Corpus.Read(name);
        var head = Heads.Parse(bytes);
        var outcome = ChunkedDriver.Decode(bytes[head.HeadLength..]);
        Assert.False(outcome.Completed);
        Assert.Equal(81_920, outcome.Data.Length);
        Assert.Equal(bytes.Length - head.HeadLength, outcome.Consumed);
    }

    [Theory]
    [InlineData("g\r\nx\r\n0\r\n\r\n")]
    [InlineData("5x\r\nhello\r\n0\r\n\r\n")]
    [InlineData("-5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("+5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("0x5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("\r\nhello\r\n0\r\n\r\n")]
    [InlineData(";ext\r\nhello\r\n0\r\n\r\n")]
    [InlineData(" 5\r\nhello\r\n0\r\n\r\n")]
    public void Non_hex_size_is_refused(string encoded) =>
        AssertRefused(encoded, RequestRejectionReason.InvalidChunkSize);

    [Theory]
    [InlineData("1000000000000000")]
    [InlineData("ffffffffffffffff")]
    [InlineData("ffffffffffffffffffff")]
    [InlineData("00000000000000001")]
    public void Sixteen_or_more_hex_digits_are_refused(string size) =>
        AssertRefused(size + "\r\nx\r\n0\r\n\r\n", RequestRejectionReason.InvalidChunkSize);

    [Fact]
    public void Fifteen_hex_digits_are_a_size_not_an_error()
    {
        var outcome = ChunkedDriver.Decode(B("fffffffffffffff\r\nabc"));
        Assert.False(outcome.Completed);
        Assert.Equal("abc", Encoding.ASCII.GetString(outcome.Data));
    }

    [Theory]
    [InlineData("5\nhello\r\n0\r\n\r\n")]
    [InlineData("\n")]
    [InlineData("5\r\nhello\r\n0\n\r\n")]
    [InlineData("5\r\nhello\r\n0\r\n\n")]
    [InlineData("5\r\nhello\r\n0\r\nT: v\n\r\n")]
    [InlineData("5;ext\nhello\r\n0\r\n\r\n")]
    public void Bare_LF_is_refused(string encoded) =>
        AssertRefused(encoded, RequestRejectionReason.BareLineFeed);

    [Theory]
    [InlineData("5\r\nhelloXX0\r\n\r\n")]
    [InlineData("5\r\nhello\n0\r\n\r\n")]
    [InlineData("5\r\nhello0\r\n\r\n\r\n")]
    [InlineData("5\r\nhello\r0\r\n\r\n")]
    [InlineData("3\r\nhello\r\n0\r\n\r\n")]
    public void Missing_crlf_after_data_is_refused(string encoded) =>
        AssertRefused(encoded, RequestRejectionReason.MissingChunkTerminator);

    [Fact]
    public void Oversized_chunk_line_is_refused()
    {
        AssertRefused("5;" + new string('e', 5000) + "\r\nhello\r\n0\r\n\r\n", RequestRejectionReason.ChunkLineTooLong);
        AssertRefused("5;" + new string('e', 5000), RequestRejectionReason.ChunkLineTooLong);
    }

    [Fact]
    public void Chunk_line_at_the_limit_is_accepted()
    {
        var limits = new HttpLimits { MaxChunkLineBytes = 64 };
        var line = "5;" + new string('e', 62);
        var ok = ChunkedDriver.Decode(B(line + "\r\nhello\r\n0\r\n\r\n"), limits);
        Assert.True(ok.Completed);
        var ex = Assert.Throws<BadHttpRequestException>(() => ChunkedDriver.Decode(B(line + "e\r\nhello\r\n0\r\n\r\n"), limits));
        Assert.Equal(RequestRejectionReason.ChunkLineTooLong, ex.Reason);
    }

    [Fact]
    public void Oversized_trailer_section_is_refused()
    {
        var many = string.Concat(Enumerable.Range(0, 200).Select(i => $"X-T{i}: {new string('v', 100)}\r\n"));
        AssertRefused("1\r\na\r\n0\r\n" + many + "\r\n", RequestRejectionReason.TrailerTooLarge);
    }

    [Fact]
    public void Single_oversized_trailer_line_is_refused_before_its_end()
    {
        AssertRefused("1\r\na\r\n0\r\nX-T: " + new string('v', 17_000), RequestRejectionReason.TrailerTooLarge);
        AssertRefused("1\r\na\r\n0\r\nX-T: " + new string('v', 17_000) + "\r\n\r\n", RequestRejectionReason.TrailerTooLarge);
    }

    [Fact]
    public void Trailer_section_under_the_limit_is_accepted()
    {
        var some = string.Concat(Enumerable.Range(0, 100).Select(i => $"X-T{i}: {new string('v', 100)}\r\n"));
        AssertDecodes("1\r\na\r\n0\r\n" + some + "\r\n", "a");
    }

    [Theory]
    [InlineData("no colon here")]
    [InlineData(" X-T: folded")]
    [InlineData("\tX-T: folded")]
    public void Malformed_trailer_is_refused(string trailer) =>
        AssertRefused("1\r\na\r\n0\r\n" + trailer + "\r\n\r\n", RequestRejectionReason.InvalidTrailer);
}
