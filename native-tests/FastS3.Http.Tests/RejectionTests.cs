using System.Text;

namespace FastS3.Http.Tests;

/// <summary>Every refusal of the head parser, with its reason and status (RFC 9112).</summary>
public class RejectionTests
{
    private static string Get(params string[] headerLines) =>
        "GET /b/k HTTP/1.1\r\n" + string.Concat(headerLines.Select(h => h + "\r\n")) + "\r\n";

    private static void AssertRejected(string request, RequestRejectionReason reason, int status, HttpLimits? limits = null, bool alsoByteAtATime = true)
    {
        var ex = Heads.Reject(request, limits, alsoByteAtATime);
        Assert.Equal(reason, ex.Reason);
        Assert.Equal(status, ex.Status);
        Assert.DoesNotContain('\r', ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Request_line_over_8_KiB_is_414()
    {
        var request = "GET /" + new string('a', 9000) + " HTTP/1.1\r\nHost: h\r\n\r\n";
        AssertRejected(request, RequestRejectionReason.RequestLineTooLong, 414);
    }

    [Fact]
    public void Request_line_of_8_000_bytes_is_accepted()
    {
        var path = "/" + new string('a', 8000 - "GET  HTTP/1.1".Length - 1);
        var head = Heads.Parse("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal(path, head.Path);
    }

    /// <summary>The limit counts the line with its CRLF: exactly the limit passes, one byte more is 414.</summary>
    [Fact]
    public void Request_line_limit_boundary_includes_the_crlf()
    {
        var limits = new HttpLimits { MaxRequestLineBytes = 64 };
        var fixedPart = "GET  HTTP/1.1\r\n".Length;
        var fits = "GET /" + new string('x', 64 - fixedPart - 1) + " HTTP/1.1\r\nHost: h\r\n\r\n";
        var over = "GET /" + new string('x', 64 - fixedPart) + " HTTP/1.1\r\nHost: h\r\n\r\n";
        Assert.Equal(64 - fixedPart, Heads.ParseByteAtATime(Heads.Bytes(fits), limits)!.Path.Length);
        AssertRejected(over, RequestRejectionReason.RequestLineTooLong, 414, limits);
    }

    /// <summary>An endless request line is refused once it passes the limit, without waiting for its end.</summary>
    [Fact]
    public void Request_line_over_the_limit_is_refused_before_its_end_arrives()
    {
        var partial = Heads.Bytes("GET /" + new string('a', 8200));
        var ex = Assert.Throws<BadHttpRequestException>(() => Heads.TryParse(partial));
        Assert.Equal(RequestRejectionReason.RequestLineTooLong, ex.Reason);
        Assert.Equal(414, ex.Status);
        Assert.Null(Heads.TryParse(partial[..8000]));
    }

    [Fact]
    public void Header_block_over_16_KiB_is_431()
    {
        var request = Get("Host: h", "X-Big: " + new string('v', 17000));
        AssertRejected(request, RequestRejectionReason.HeadersTooLarge, 431);
    }

    [Fact]
    public void Header_block_just_under_16_KiB_is_accepted()
    {
        var request = Get("Host: h", "X-Big: " + new string('v', 16000));
        Assert.Equal(2, Heads.Parse(request).HeaderCount);
    }

    /// <summary>Headers that never end are refused once the head buffer is full.</summary>
    [Fact]
    public void Endless_header_block_is_refused_before_its_end_arrives()
    {
        var partial = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (var i = 0; partial.Length < 30_000; i++)
        {
            partial.Append("X-H").Append(i).Append(": ").Append(new string('v', 200)).Append("\r\n");
        }

        var ex = Assert.Throws<BadHttpRequestException>(() => Heads.TryParse(Heads.Bytes(partial.ToString())));
        Assert.Equal(RequestRejectionReason.HeadersTooLarge, ex.Reason);
        Assert.Equal(431, ex.Status);
    }

    [Fact]
    public void More_than_100_headers_is_431()
    {
        var headers = new[] { "Host: h" }.Concat(Enumerable.Range(0, 100).Select(i => $"X-H{i}: {i}")).ToArray();
        AssertRejected(Get(headers), RequestRejectionReason.TooManyHeaders, 431);
    }

    [Fact]
    public void Exactly_100_headers_are_accepted()
    {
        var headers = new[] { "Host: h" }.Concat(Enumerable.Range(0, 99).Select(i => $"X-H{i}: {i}")).ToArray();
        Assert.Equal(100, Heads.Parse(Get(headers)).HeaderCount);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\nHost: h\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\n\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\nX-B: 2\r\n\r\n")]
    [InlineData("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")]
    public void Bare_LF_is_400(string request) =>
        AssertRejected(request, RequestRejectionReason.BareLineFeed, 400);

    [Theory]
    [InlineData(" ")]
    [InlineData("\t")]
    public void Obs_fold_is_400(string fold) =>
        AssertRejected(Get("Host: h", "X-A: one", fold + "two"), RequestRejectionReason.ObsoleteLineFolding, 400);

    [Theory]
    [InlineData("Host : h")]
    [InlineData("Host\t: h")]
    [InlineData("X-A : v")]
    public void Whitespace_before_colon_is_400(string line)
    {
        var request = line.StartsWith("Host", StringComparison.Ordinal) ? Get(line) : Get("Host: h", line);
        AssertRejected(request, RequestRejectionReason.InvalidHeaderLine, 400);
    }

    [Theory]
    [InlineData("Content-Length: 5", "Transfer-Encoding: chunked")]
    [InlineData("Transfer-Encoding: chunked", "Content-Length: 5")]
    [InlineData("Transfer-Encoding: chunked", "Content-Length: 0")]
    public void Content_length_with_transfer_encoding_is_400(string first, string second) =>
        AssertRejected(Get("Host: h", first, second), RequestRejectionReason.ContentLengthWithTransferEncoding, 400);

    [Fact]
    public void Two_different_content_lengths_are_400() =>
        AssertRejected(Get("Host: h", "Content-Length: 5", "Content-Length: 6"), RequestRejectionReason.ConflictingContentLength, 400);

    [Fact]
    public void Same_content_length_twice_is_accepted()
    {
        var head = Heads.Parse(Get("Host: h", "Content-Length: 5", "content-length: 5"));
        Assert.Equal(5, head.ContentLength);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("1 2")]
    [InlineData("5,5")]
    [InlineData("5, 5")]
    [InlineData("0x10")]
    [InlineData("1e3")]
    [InlineData("")]
    [InlineData("99999999999999999999")]
    public void Non_numeric_content_length_is_400(string value) =>
        AssertRejected(Get("Host: h", "Content-Length: " + value), RequestRejectionReason.InvalidContentLength, 400);

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("007", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("  42  ", 42L)]
    public void Numeric_content_length_is_parsed(string value, long expected) =>
        Assert.Equal(expected, Heads.Parse(Get("Host: h", "Content-Length:" + value)).ContentLength);

    [Theory]
    [InlineData("gzip")]
    [InlineData("gzip, chunked")]
    [InlineData("chunked, gzip")]
    [InlineData("identity")]
    public void Unsupported_transfer_encoding_is_501(string value) =>
        AssertRejected(Get("Host: h", "Transfer-Encoding: " + value), RequestRejectionReason.UnsupportedTransferEncoding, 501);

    [Fact]
    public void Two_transfer_encoding_headers_are_501() =>
        AssertRejected(Get("Host: h", "Transfer-Encoding: chunked", "Transfer-Encoding: chunked"), RequestRejectionReason.UnsupportedTransferEncoding, 501);

    [Theory]
    [InlineData("chunked")]
    [InlineData("Chunked")]
    [InlineData("CHUNKED")]
    public void Chunked_transfer_encoding_is_accepted(string value)
    {
        var head = Heads.Parse(Get("Host: h", "Transfer-Encoding: " + value));
        Assert.True(head.IsChunked);
        Assert.Equal(-1, head.ContentLength);
    }

    [Theory]
    [InlineData("HTTP/2.0")]
    [InlineData("HTTP/0.9")]
    [InlineData("HTTP/1.2")]
    [InlineData("HTTP/3.0")]
    public void Unsupported_http_version_is_505(string version) =>
        AssertRejected($"GET / {version}\r\nHost: h\r\n\r\n", RequestRejectionReason.UnsupportedHttpVersion, 505);

    [Theory]
    [InlineData("GET / http/1.1\r\nHost: h\r\n\r\n")]
    [InlineData("GET / HTTP/1.10\r\nHost: h\r\n\r\n")]
    [InlineData("GET / HTTP/1.1 \r\nHost: h\r\n\r\n")]
    [InlineData("GET /\r\nHost: h\r\n\r\n")]
    [InlineData("GET  / HTTP/1.1\r\nHost: h\r\n\r\n")]
    [InlineData("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n")]
    [InlineData(" GET / HTTP/1.1\r\nHost: h\r\n\r\n")]
    [InlineData("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")]
    [InlineData("\r\n\r\n")]
    public void Malformed_request_line_is_400(string request)
    {
        var ex = Heads.Reject(request);
        Assert.Equal(400, ex.Status);
        Assert.Equal(RequestRejectionReason.InvalidRequestLine, ex.Reason);
    }

    [Theory]
    [InlineData("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidMethod)]
    [InlineData("G\u00C9T / HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidMethod)]
    [InlineData("GET /\u00E9 HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget)]
    [InlineData("GET /\u007F HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget)]
    [InlineData("GET * HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget)]
    [InlineData("GET b/k HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget)]
    [InlineData("GET http://h HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget)]
    [InlineData("GET :///a HTTP/1.1\r\nHost: h\r\n\r\n", RequestRejectionReason.InvalidRequestTarget)]
    public void Bad_method_or_target_is_400(string request, RequestRejectionReason reason)
    {
        var ex = Heads.Reject(request);
        Assert.Equal(reason, ex.Reason);
        Assert.Equal(400, ex.Status);
    }

    [Fact]
    public void Missing_host_on_http11_is_400() =>
        AssertRejected(Get("X-A: 1"), RequestRejectionReason.MissingHost, 400);

    [Fact]
    public void Http10_without_host_is_accepted_and_closes()
    {
        var head = Heads.Parse("GET /x HTTP/1.0\r\n\r\n");
        Assert.False(head.IsHttp11);
        Assert.True(head.ConnectionClose);
        Assert.Equal(0, head.HeaderCount);
        Assert.Equal("", head.Host);
    }

    [Fact]
    public void Http10_with_keep_alive_stays_open()
    {
        var head = Heads.Parse("GET /x HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        Assert.False(head.ConnectionClose);
    }

    [Theory]
    [InlineData("close", true)]
    [InlineData("Close", true)]
    [InlineData("keep-alive, close", true)]
    [InlineData("TE,close", true)]
    [InlineData("keep-alive", false)]
    [InlineData("closed", false)]
    [InlineData("upgrade", false)]
    public void Http11_connection_close_token(string value, bool close) =>
        Assert.Equal(close, Heads.Parse(Get("Host: h", "Connection: " + value)).ConnectionClose);

    [Theory]
    [InlineData('\0')]
    [InlineData('\u0001')]
    [InlineData('\u001F')]
    [InlineData('\u007F')]
    [InlineData('\r')]
    [InlineData('\u000B')]
    public void Control_char_in_header_value_is_400(char control) =>
        AssertRejected(Get("Host: h", "X-A: a" + control + "b"), RequestRejectionReason.InvalidHeaderLine, 400);

    [Fact]
    public void Tab_and_obs_text_in_header_value_are_accepted()
    {
        var head = Heads.Parse(Get("Host: h", "X-A: a\tb\u00E9\u00FF c"));
        Assert.Equal("Host: h\nX-A: a\tb\u00E9\u00FF c\n", head.Headers);
    }

    [Theory]
    [InlineData(": v")]
    [InlineData("X A: v")]
    [InlineData("X-A")]
    [InlineData("X(A): v")]
    [InlineData("X\u00C4: v")]
    public void Invalid_header_name_is_400(string line) =>
        AssertRejected(Get("Host: h", line), RequestRejectionReason.InvalidHeaderLine, 400);

    [Fact]
    public void Header_value_whitespace_is_trimmed()
    {
        var head = Heads.Parse(Get("Host: \t h \t", "X-Empty:", "X-Spaces:    "));
        Assert.Equal("h", head.Host);
        Assert.Equal("Host: h\nX-Empty: \nX-Spaces: \n", head.Headers);
    }

    [Fact]
    public void Expect_100_continue_is_recognised_case_insensitively()
    {
        Assert.True(Heads.Parse(Get("Host: h", "Expect: 100-Continue", "Content-Length: 1")).ExpectContinue);
        Assert.False(Heads.Parse(Get("Host: h", "Expect: something-else", "Content-Length: 1")).ExpectContinue);
    }

    [Fact]
    public void Absolute_form_target_yields_path_and_query()
    {
        var head = Heads.Parse("GET http://example.com:9000/b/k?x=1 HTTP/1.1\r\nHost: example.com:9000\r\n\r\n");
        Assert.Equal("/b/k", head.Path);
        Assert.Equal("x=1", head.Query);
    }

    [Fact]
    public void Known_and_custom_methods()
    {
        Assert.Equal(RequestMethod.Head, Heads.Parse("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n").KnownMethod);
        Assert.Equal(RequestMethod.Options, Heads.Parse("OPTIONS / HTTP/1.1\r\nHost: h\r\n\r\n").KnownMethod);
        Assert.Equal(RequestMethod.Patch, Heads.Parse("PATCH / HTTP/1.1\r\nHost: h\r\n\r\n").KnownMethod);
        Assert.Equal(RequestMethod.Custom, Heads.Parse("HEAP / HTTP/1.1\r\nHost: h\r\n\r\n").KnownMethod);
        Assert.Equal(RequestMethod.Custom, Heads.Parse("get / HTTP/1.1\r\nHost: h\r\n\r\n").KnownMethod);
        Assert.Equal(RequestMethod.Custom, Heads.Parse("PROPFIND / HTTP/1.1\r\nHost: h\r\n\r\n").KnownMethod);
    }

    [Fact]
    public void Status_mapping_covers_every_reason()
    {
        foreach (var reason in Enum.GetValues<RequestRejectionReason>())
        {
            var expected = reason switch
            {
                RequestRejectionReason.RequestLineTooLong => 414,
                RequestRejectionReason.HeadersTooLarge or RequestRejectionReason.TooManyHeaders => 431,
                RequestRejectionReason.UnsupportedHttpVersion => 505,
                RequestRejectionReason.UnsupportedTransferEncoding => 501,
                _ => 400,
            };
            Assert.Equal(expected, BadHttpRequestException.StatusFor(reason));
        }
    }

    /// <summary>RFC 9112 §3.2: a request with more than one Host field line must be answered 400.
    /// Accepting it lets two layers disagree on the authority (HostIndex is the last, IndexOf("host") the first).</summary>
    [Fact]
    public void Two_host_headers_are_400()
    {
        var ex = Heads.Reject(Get("Host: a.example", "Host: b.example"));
        Assert.Equal(400, ex.Status);
    }

    /// <summary>absolute-form with an empty path and a query containing '/' (RFC 9112 §3.2.2): the '/'
    /// inside the query must not be taken as the start of the path.</summary>
    [Fact]
    public void Absolute_form_with_empty_path_does_not_take_the_path_from_the_query()
    {
        HeadSnapshot? head = null;
        try
        {
            head = Heads.Parse("GET http://h?a=/secret HTTP/1.1\r\nHost: h\r\n\r\n");
        }
        catch (BadHttpRequestException ex)
        {
            Assert.Equal(400, ex.Status);
            return;
        }

        Assert.NotEqual("/secret", head.Path);
        Assert.Equal("a=/secret", head.Query);
    }
}
