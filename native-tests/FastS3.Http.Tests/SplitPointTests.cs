using System.Buffers;

namespace FastS3.Http.Tests;

/// <summary>A head parses the same however the network cut it into reads.</summary>
public class SplitPointTests
{
    public static readonly TheoryData<string> Requests =
    [
        "awscli-put-object-cp",
        "awscli-put-object-crc32c",
        "awscli-list-objects-v2-ls",
        "boto3-delete-objects",
        "curl-get-object",
        "curl-put-object-upload-file",
        "dotnet-put-object-default",
        "dotnet-put-object-200k",
        "dotnet-upload-part-part1-truncated",
        "urllib-get-object-presigned-sigv4",
        "urllib-put-object-presigned-sigv4",
    ];

    /// <summary>Two segments cut at every offset of the head and a little into the body.</summary>
    [Theory]
    [MemberData(nameof(Requests))]
    public void Two_segments_cut_at_every_offset_parse_identically(string name)
    {
        var bytes = Corpus.Read(name);
        var expected = Heads.Parse(bytes);
        var end = Math.Min(bytes.Length, expected.HeadLength + 64);
        var input = bytes[..end];
        for (var cut = 0; cut <= input.Length; cut++)
        {
            var actual = Heads.TryParse(Segments.SplitAt(input, cut));
            Assert.Equal(expected, actual);
        }
    }

    /// <summary>Growing prefixes, one byte per call with <c>scanned</c> kept: "need more" for every
    /// strict prefix of the head, complete exactly at its last byte, same result.</summary>
    [Theory]
    [MemberData(nameof(Requests))]
    public void Byte_at_a_time_accumulation_needs_more_until_the_last_head_byte(string name)
    {
        var bytes = Corpus.Read(name);
        var expected = Heads.Parse(bytes);
        var actual = Heads.ParseByteAtATime(bytes[..Math.Min(bytes.Length, expected.HeadLength + 10)]);
        Assert.Equal(expected, actual);
    }

    /// <summary>Every strict prefix fed in one call from scratch is "need more", too.</summary>
    [Theory]
    [MemberData(nameof(Requests))]
    public void Every_strict_prefix_from_scratch_needs_more(string name)
    {
        var bytes = Corpus.Read(name);
        var headLength = Heads.Parse(bytes).HeadLength;
        for (var n = 0; n < headLength; n++)
        {
            Assert.Null(Heads.TryParse(new ReadOnlySequence<byte>(bytes, 0, n)));
        }
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void One_segment_per_byte_parses_identically(string name)
    {
        var bytes = Corpus.Read(name);
        var expected = Heads.Parse(bytes);
        var actual = Heads.TryParse(Segments.Bytewise(bytes[..Math.Min(bytes.Length, expected.HeadLength + 3)]));
        Assert.Equal(expected, actual);
    }

    /// <summary>Arrivals of random sizes (with empty segments), as a pipe accumulates them.</summary>
    [Theory]
    [MemberData(nameof(Requests))]
    public void Random_arrivals_with_scanned_kept_parse_identically(string name)
    {
        var bytes = Corpus.Read(name);
        var expected = Heads.Parse(bytes);
        var random = new Random(name.Length);
        for (var round = 0; round < 50; round++)
        {
            var head = new HttpRequestHead(Heads.Limits.MaxHeadBytes);
            var scanned = 0;
            var cuts = new List<int>();
            var available = 0;
            var complete = false;
            while (!complete && available < bytes.Length)
            {
                cuts.Add(available);
                available = Math.Min(bytes.Length, available + random.Next(0, 97));
                var input = Segments.SplitAt(bytes[..available], cuts);
                complete = HttpHeadParser.TryReadHead(input, head, Heads.Limits, ref scanned);
                Assert.Equal(available >= expected.HeadLength, complete);
            }

            Assert.True(complete);
            HttpHeadParser.Parse(head, Heads.Limits);
            Assert.Equal(expected, HeadSnapshot.Of(head));
        }
    }

    [Fact]
    public void Head_completes_with_the_final_crlf_split_from_the_rest()
    {
        var bytes = Heads.Bytes("GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
        var head = new HttpRequestHead(Heads.Limits.MaxHeadBytes);
        var scanned = 0;
        Assert.False(HttpHeadParser.TryReadHead(new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 3), head, Heads.Limits, ref scanned));
        Assert.False(HttpHeadParser.TryReadHead(new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 1), head, Heads.Limits, ref scanned));
        Assert.True(HttpHeadParser.TryReadHead(new ReadOnlySequence<byte>(bytes), head, Heads.Limits, ref scanned));
        Assert.Equal(bytes.Length, head.HeadLength);
    }
}
