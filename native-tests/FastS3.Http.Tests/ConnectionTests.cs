using System.Security.Cryptography;
using System.Text;

namespace FastS3.Http.Tests;

/// <summary>The connection loop over real loopback sockets: framing between requests, keep-alive,
/// closing, rejections and 100-continue.</summary>
public class ConnectionTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    private static string Hash(byte[] body) => $"len={body.Length} sha={Convert.ToHexStringLower(SHA256.HashData(body))}";

    [Fact]
    public async Task Three_pipelined_gets_in_one_write_get_three_responses_in_order()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync(
            "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n" +
            "GET /b HTTP/1.1\r\nHost: h\r\n\r\n" +
            "DELETE /c?y HTTP/1.1\r\nHost: h\r\n\r\n");

        Assert.Equal("GET /a?x=1", (await client.ReadResponseAsync()).Body);
        Assert.Equal("GET /b?", (await client.ReadResponseAsync()).Body);
        Assert.Equal("DELETE /c?y", (await client.ReadResponseAsync()).Body);
        Assert.False(await client.ClosesWithinAsync(Short));
        Assert.Equal(3, server.Application.Requests);
    }

    [Fact]
    public async Task Pipelined_requests_with_bodies_are_framed_by_content_length()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync(
            "PUT /hash HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello" +
            "PUT /hash HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n" +
            "PUT /hash HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nGET" +
            "GET /last HTTP/1.1\r\nHost: h\r\n\r\n");

        Assert.Equal(Hash("hello"u8.ToArray()), (await client.ReadResponseAsync()).Body);
        Assert.Equal(Hash([]), (await client.ReadResponseAsync()).Body);
        Assert.Equal(Hash("GET"u8.ToArray()), (await client.ReadResponseAsync()).Body);
        Assert.Equal("GET /last?", (await client.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task Keep_alive_connection_is_reused_for_sequential_requests()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync($"GET /k{i} HTTP/1.1\r\nHost: h\r\n\r\n");
            var response = await client.ReadResponseAsync();
            Assert.Equal(200, response.Status);
            Assert.Equal($"GET /k{i}?", response.Body);
            Assert.Null(response.Header("Connection"));
        }

        Assert.False(await client.ClosesWithinAsync(Short));
    }

    [Fact]
    public async Task Http10_request_is_answered_then_the_connection_closes()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("GET /old HTTP/1.0\r\n\r\nGET /ignored HTTP/1.0\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.ClosesWithinAsync(RawClient.Timeout));
        Assert.DoesNotContain("ignored", client.Received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http10_keep_alive_is_honoured()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        var first = await client.ReadResponseAsync();
        Assert.Equal("keep-alive", first.Header("Connection"));
        await client.SendAsync("GET /two HTTP/1.0\r\n\r\n");
        Assert.Equal("GET /two?", (await client.ReadResponseAsync()).Body);
        Assert.True(await client.ClosesWithinAsync(RawClient.Timeout));
    }

    [Fact]
    public async Task Connection_close_on_http11_closes_after_the_response()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("GET /bye HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\nHost: h\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await client.ClosesWithinAsync(RawClient.Timeout));
        Assert.Equal(1, server.Application.Requests);
    }

    public static readonly TheoryData<string, int, string> BadRequests = new()
    {
        { "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400, "InvalidHeaderLine" },
        { "GET / HTTP/1.1\nHost: h\r\n\r\n", 400, "BareLineFeed" },
        { "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", 400, "ObsoleteLineFolding" },
        { "GET / HTTP/1.1\r\n\r\n", 400, "MissingHost" },
        { "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "ContentLengthWithTransferEncoding" },
        { "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400, "ConflictingContentLength" },
        { "PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "UnsupportedTransferEncoding" },
        { "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "UnsupportedHttpVersion" },
        { "GET /" + new string('a', 9000) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414, "RequestLineTooLong" },
        { "GET / HTTP/1.1\r\nHost: h\r\n" + string.Concat(Enumerable.Range(0, 101).Select(i => $"X-{i}: v\r\n")) + "\r\n", 431, "TooManyHeaders" },
        { "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + new string('v', 30_000), 431, "HeadersTooLarge" },
    };

    /// <summary>A refused request gets its status, nothing after it is served, and the connection closes.</summary>
    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_request_gets_its_status_and_the_connection_closes(string request, int status, string reason)
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("GET /first HTTP/1.1\r\nHost: h\r\n\r\n" + request + "GET /after HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal("GET /first?", (await client.ReadResponseAsync()).Body);
        var rejected = await client.ReadResponseAsync();
        Assert.Equal(status, rejected.Status);
        Assert.Equal(reason, rejected.Header("X-Reason"));
        Assert.Equal("close", rejected.Header("Connection"));
        Assert.True(await client.ClosesWithinAsync(RawClient.Timeout));
        Assert.DoesNotContain("/after", client.Received, StringComparison.Ordinal);
        Assert.Equal(1, server.Application.Requests);
    }

    /// <summary>A chunked framing error inside the body closes the connection; the next request is not served.</summary>
    [Fact]
    public async Task Bad_chunked_body_is_refused_and_the_connection_closes()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("PUT /hash HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal(400, response.Status);
        Assert.Equal("MissingChunkTerminator", response.Header("X-Reason"));
        Assert.True(await client.ClosesWithinAsync(RawClient.Timeout));
        Assert.DoesNotContain("/after", client.Received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expect_100_continue_is_sent_when_the_app_reads_the_body()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        var body = Encoding.ASCII.GetBytes("hello world");
        await client.SendAsync($"PUT /hash HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: {body.Length}\r\n\r\n");

        // The client holds the body back until the interim response arrives.
        var interim = await client.ReadResponseAsync();
        Assert.Equal(100, interim.Status);
        Assert.Equal("HTTP/1.1 100 Continue", interim.Head);

        await client.SendAsync(body);
        var final = await client.ReadResponseAsync();
        Assert.Equal(200, final.Status);
        Assert.Equal(Hash(body), final.Body);

        // And the connection is still good for the next request.
        await client.SendAsync("GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal("GET /next?", (await client.ReadResponseAsync()).Body);
    }

    /// <summary>An app that answers without reading must not invite the body: no 100, the final status
    /// first, and then the connection either closes or stays correctly framed.</summary>
    [Fact]
    public async Task Expect_100_continue_is_not_sent_when_the_app_answers_without_reading()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("PUT /deny HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        var response = await client.ReadResponseAsync();
        Assert.Equal(403, response.Status);
        Assert.Equal("denied", response.Body);

        var closed = await client.ClosesWithinAsync(TimeSpan.FromSeconds(2));
        if (!closed)
        {
            // Kept open: then it must not take the next request's bytes as the unsent body.
            await client.SendAsync("GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
            Assert.Equal("GET /next?", (await client.ReadResponseAsync()).Body);
        }

        Assert.DoesNotContain("100 Continue", client.Received, StringComparison.Ordinal);
        Assert.Equal(1, server.Application.Requests);
    }

    /// <summary>RFC 9110 §10.1.1: a final response sent before the content is read SHOULD say whether the
    /// connection will close. This server closes it, so the response should carry Connection: close.</summary>
    [Fact]
    public async Task Early_answer_to_expect_continue_announces_the_close()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("PUT /deny HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        var response = await client.ReadResponseAsync();
        var closed = await client.ClosesWithinAsync(TimeSpan.FromSeconds(2));
        Assert.True(!closed || response.Header("Connection") == "close", "server closed after a response that did not say Connection: close");
    }

    /// <summary>RFC 9110 §10.1.1: a server must ignore a 100-continue expectation in an HTTP/1.0 request.</summary>
    [Fact]
    public async Task Http10_expect_continue_is_ignored()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("PUT /hash HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello");
        var response = await client.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal(Hash("hello"u8.ToArray()), response.Body);
        Assert.DoesNotContain("100 Continue", client.Received, StringComparison.Ordinal);
    }

    /// <summary>An unread small body is drained, so the next pipelined request is framed correctly.</summary>
    [Fact]
    public async Task Unread_body_is_drained_and_the_next_request_is_served()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("PUT /deny HTTP/1.1\r\nHost: h\r\nContent-Length: 26\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal(403, (await client.ReadResponseAsync()).Status);
        Assert.Equal("GET /next?", (await client.ReadResponseAsync()).Body);
        Assert.Equal(2, server.Application.Requests);
    }

    /// <summary>An unread body larger than the drain limit is not read: the connection closes instead.</summary>
    [Fact]
    public async Task Unread_body_over_the_drain_limit_closes_the_connection()
    {
        await using var server = new LoopbackServer(new HttpLimits { MaxDrainBytes = 100 });
        using var client = await server.ConnectAsync();
        await client.SendAsync("PUT /deny HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n" + new string('x', 1000));
        Assert.Equal(403, (await client.ReadResponseAsync()).Status);
        Assert.True(await client.ClosesWithinAsync(RawClient.Timeout));
    }

    /// <summary>A Content-Length body that trickles in over many small writes arrives intact.</summary>
    [Fact]
    public async Task Content_length_body_in_many_small_writes_arrives_intact()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        var random = new Random(42);
        var body = new byte[100_003];
        random.NextBytes(body);
        await client.SendAsync($"PUT /hash HTTP/1.1\r\nHost: h\r\nContent-Length: {body.Length}\r\n\r\n");
        var writes = 0;
        for (var sent = 0; sent < body.Length; writes++)
        {
            var n = Math.Min(body.Length - sent, random.Next(1, 1500));
            await client.SendAsync(body[sent..(sent + n)]);
            sent += n;
            if (writes % 16 == 0)
            {
                await Task.Delay(1);
            }
        }

        Assert.True(writes > 100);
        Assert.Equal(Hash(body), (await client.ReadResponseAsync()).Body);
        await client.SendAsync("GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal("GET /next?", (await client.ReadResponseAsync()).Body);
    }

    /// <summary>The head itself split into single-byte writes is served.</summary>
    [Fact]
    public async Task Head_in_single_byte_writes_is_served()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        var request = Encoding.ASCII.GetBytes("GET /slow?q=1 HTTP/1.1\r\nHost: h\r\nX-A: b\r\n\r\n");
        for (var i = 0; i < request.Length; i++)
        {
            await client.SendAsync(request[i..(i + 1)]);
            if (i % 8 == 0)
            {
                await Task.Delay(1);
            }
        }

        Assert.Equal("GET /slow?q=1", (await client.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task Chunked_body_in_small_writes_arrives_intact()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        var body = new byte[50_000];
        new Random(7).NextBytes(body);
        var encoded = ChunkedDriver.Encode(body, [1000, 17, 4096], ";ext=1", "X-T: v\r\n");
        await client.SendAsync("PUT /hash HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (var sent = 0; sent < encoded.Length; sent += 997)
        {
            await client.SendAsync(encoded[sent..Math.Min(encoded.Length, sent + 997)]);
        }

        Assert.Equal(Hash(body), (await client.ReadResponseAsync()).Body);
    }

    /// <summary>After a chunked request the connection is positioned at the next request and keeps serving.</summary>
    [Fact]
    public async Task Request_after_a_chunked_request_on_the_same_connection_is_served()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("PUT /hash HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n");
        Assert.Equal(Hash("hello"u8.ToArray()), (await client.ReadResponseAsync()).Body);
        Assert.Equal("GET /after?", (await client.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task Two_chunked_uploads_on_one_connection_both_arrive()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("PUT /hash HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        Assert.Equal(Hash("hello"u8.ToArray()), (await client.ReadResponseAsync()).Body);
        await client.SendAsync("PUT /hash HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nworld!\r\n0\r\n\r\n");
        Assert.Equal(Hash("world!"u8.ToArray()), (await client.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task Unread_chunked_body_then_a_chunked_upload_on_the_same_connection()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync("PUT /deny HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        Assert.Equal(403, (await client.ReadResponseAsync()).Status);
        await client.SendAsync("PUT /hash HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nworld!\r\n0\r\n\r\n");
        var second = await client.ReadResponseAsync();
        Assert.Equal(200, second.Status);
        Assert.Equal(Hash("world!"u8.ToArray()), second.Body);
    }

    /// <summary>An app that reads part of a large chunked body and answers must still get its answer out.</summary>
    [Fact]
    public async Task Partly_read_chunked_body_still_gets_its_response()
    {
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        var encoded = ChunkedDriver.Encode(new byte[600_000], [8192]);
        await client.SendAsync("PUT /partial HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
        var send = client.SendAsync(encoded);
        var response = await client.ReadResponseAsync();
        Assert.Equal(403, response.Status);
        Assert.Equal("partial", response.Body);
        try
        {
            await send;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // The server may close instead of reading the rest; that is fine.
        }
    }

    /// <summary>RequestHeadersTimeout bounds the time to send a whole head (slowloris), not the gap between bytes.</summary>
    [Fact]
    public async Task Head_trickling_in_slower_than_the_header_timeout_is_cut_off()
    {
        await using var server = new LoopbackServer(new HttpLimits { RequestHeadersTimeout = TimeSpan.FromMilliseconds(600) });
        using var client = await server.ConnectAsync();
        var started = DateTime.UtcNow;
        var closed = false;
        for (var i = 0; i < 20 && !closed; i++)
        {
            try
            {
                await client.SendAsync(i == 0 ? "GET / HTTP/1.1\r\n" : $"X-Slow-{i}: v\r\n");
            }
            catch (System.Net.Sockets.SocketException)
            {
                closed = true;
                break;
            }

            closed = await client.ClosesWithinAsync(TimeSpan.FromMilliseconds(200));
        }

        Assert.True(closed, "connection still open after 20 header lines at 200 ms intervals");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
    }

    [Theory]
    [InlineData("/direct")]
    [InlineData("/direct-now")]
    public async Task Large_body_sent_past_the_pipe_arrives_whole_and_in_order_with_pipelined_neighbours(string path)
    {
        const int Large = 3 * 1024 * 1024 + 7;
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();

        // A small response before it (still in the pipe when the large one starts) and after it.
        await client.SendAsync(
            "GET /before HTTP/1.1\r\nHost: h\r\n\r\n" +
            $"GET {path}?{Large} HTTP/1.1\r\nHost: h\r\n\r\n" +
            "GET /after HTTP/1.1\r\nHost: h\r\n\r\n");

        Assert.Equal("GET /before?", (await client.ReadResponseAsync()).Body);
        var large = await client.ReadResponseAsync();
        Assert.Equal(200, large.Status);
        Assert.Equal(Encoding.Latin1.GetString(TestApplication.Pattern(Large)), large.Body);
        Assert.Equal("GET /after?", (await client.ReadResponseAsync()).Body);
        Assert.False(await client.ClosesWithinAsync(Short));
        Assert.True(server.DirectBodyBytes > 0, "nothing was sent past the pipe");
        if (path == "/direct")
        {
            Assert.Equal(Large, server.DirectBodyBytes);
        }
    }

    [Theory]
    [InlineData("/direct")]
    [InlineData("/direct-now")]
    public async Task Large_body_to_a_client_that_reads_late_arrives_whole(string path)
    {
        // 16 MiB is far more than loopback socket buffers hold before the client reads: direct
        // sends meet a full socket, and the send-now path falls back to the pipe mid-body.
        const int Large = 16 * 1024 * 1024;
        await using var server = new LoopbackServer();
        using var client = await server.ConnectAsync();
        await client.SendAsync($"GET {path}?{Large} HTTP/1.1\r\nHost: h\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n");
        await Task.Delay(Short);

        Assert.Equal(Encoding.Latin1.GetString(TestApplication.Pattern(Large)), (await client.ReadResponseAsync()).Body);
        Assert.Equal("GET /after?", (await client.ReadResponseAsync()).Body);
        Assert.True(server.DirectBodyBytes > 0, "nothing was sent past the pipe");
    }

    [Fact]
    public async Task Bodies_below_the_threshold_and_a_disabled_threshold_stay_in_the_pipe()
    {
        await using (var server = new LoopbackServer())
        {
            using var client = await server.ConnectAsync();
            await client.SendAsync("GET /direct?65535 HTTP/1.1\r\nHost: h\r\n\r\n");
            Assert.Equal(Encoding.Latin1.GetString(TestApplication.Pattern(65535)), (await client.ReadResponseAsync()).Body);
            Assert.Equal(0, server.DirectBodyBytes);
        }

        await using (var off = new LoopbackServer(new HttpLimits { DirectSendMinBytes = long.MaxValue }))
        {
            using var client = await off.ConnectAsync();
            await client.SendAsync("GET /direct-now?1000000 HTTP/1.1\r\nHost: h\r\n\r\n");
            Assert.Equal(Encoding.Latin1.GetString(TestApplication.Pattern(1_000_000)), (await client.ReadResponseAsync()).Body);
            Assert.Equal(0, off.DirectBodyBytes);
        }
    }
}
