using System.Buffers;
using System.Text;

namespace FastS3.Http.Tests;

/// <summary>Drives <see cref="HttpHeadParser"/> the way the connection does: TryReadHead until the
/// head is complete, then Parse. A fresh <see cref="HttpRequestHead"/> per parse.</summary>
internal static class Heads
{
    public static readonly HttpLimits Limits = new();

    public static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);

    /// <summary>One call with all of <paramref name="input"/>: null when the head is incomplete.</summary>
    public static HeadSnapshot? TryParse(in ReadOnlySequence<byte> input, HttpLimits? limits = null)
    {
        limits ??= Limits;
        var head = new HttpRequestHead(limits.MaxHeadBytes);
        var scanned = 0;
        if (!HttpHeadParser.TryReadHead(input, head, limits, ref scanned))
        {
            return null;
        }

        HttpHeadParser.Parse(head, limits);
        return HeadSnapshot.Of(head);
    }

    public static HeadSnapshot? TryParse(byte[] input, HttpLimits? limits = null) =>
        TryParse(new ReadOnlySequence<byte>(input), limits);

    public static HeadSnapshot Parse(byte[] input, HttpLimits? limits = null) =>
        TryParse(input, limits) ?? throw new Xunit.Sdk.XunitException("head incomplete: TryReadHead asked for more bytes");

    public static HeadSnapshot Parse(string input, HttpLimits? limits = null) => Parse(Bytes(input), limits);

    /// <summary>
    /// Feeds growing prefixes of <paramref name="input"/>, one byte more each call, keeping
    /// <c>scanned</c> between calls as the connection does. Each prefix arrives as two segments (what
    /// was there before, plus the new byte). Asserts "need more" for every strict prefix of the head;
    /// returns null when the whole input is not a complete head.
    /// </summary>
    public static HeadSnapshot? ParseByteAtATime(byte[] input, HttpLimits? limits = null)
    {
        limits ??= Limits;
        var head = new HttpRequestHead(limits.MaxHeadBytes);
        var scanned = 0;
        for (var n = 1; n <= input.Length; n++)
        {
            var prefix = Segments.Of(input.AsMemory(0, n - 1), input.AsMemory(n - 1, 1));
            if (HttpHeadParser.TryReadHead(prefix, head, limits, ref scanned))
            {
                Assert.Equal(n, head.HeadLength);
                HttpHeadParser.Parse(head, limits);
                return HeadSnapshot.Of(head);
            }

            Assert.Equal(n, scanned);
        }

        return null;
    }

    /// <summary>The rejection for <paramref name="input"/>, asserting that whole and byte-at-a-time
    /// feeding refuse it for the same reason.</summary>
    public static BadHttpRequestException Reject(byte[] input, HttpLimits? limits = null, bool alsoByteAtATime = true)
    {
        var whole = Assert.Throws<BadHttpRequestException>(() => TryParse(input, limits));
        if (alsoByteAtATime)
        {
            var bytewise = Assert.Throws<BadHttpRequestException>(() => ParseByteAtATime(input, limits));
            Assert.Equal(whole.Reason, bytewise.Reason);
        }

        return whole;
    }

    public static BadHttpRequestException Reject(string input, HttpLimits? limits = null, bool alsoByteAtATime = true) =>
        Reject(Bytes(input), limits, alsoByteAtATime);

    /// <summary>Offset just past the first CRLFCRLF (the head length a correct parser must report).</summary>
    public static int HeadEnd(byte[] input)
    {
        var i = input.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(i >= 0, "no end of head in input");
        return i + 4;
    }
}
