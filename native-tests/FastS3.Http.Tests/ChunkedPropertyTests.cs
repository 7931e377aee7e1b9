using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FastS3.Http.Tests;

/// <summary>Chunked round trip and robustness under any chunking and any arrival pattern.</summary>
public class ChunkedPropertyTests
{
    private static readonly string[] Extensions = ["", ";a=b", ";chunk-signature=0123abcd", " ;x", "\t;y=\"q\""];

    [Property(MaxTest = 300)]
    public Property Decode_of_encode_is_the_body(byte[] body, int[] sizes, int[] cuts, byte extension, byte trailerCount, bool upperHex)
    {
        var chunkSizes = sizes.Length == 0 ? [7] : sizes.Select(s => (int)((uint)s % 500) + 1).ToArray();
        var trailers = string.Concat(Enumerable.Range(0, trailerCount % 4).Select(i => $"X-T{i}: v{i}\r\n"));
        var encoded = ChunkedDriver.Encode(body, chunkSizes, Extensions[extension % Extensions.Length], trailers, upperHex);
        var arrivals = cuts.Select(c => (int)((uint)c % (uint)(encoded.Length + 1)));

        var whole = ChunkedDriver.Decode(encoded);
        var split = ChunkedDriver.Decode(encoded, arrivals);
        return (whole.Completed && whole.Data.AsSpan().SequenceEqual(body) && whole.Consumed == encoded.Length).Label("whole")
            .And((split.Completed && split.Data.AsSpan().SequenceEqual(body) && split.Consumed == encoded.Length).Label("split"));
    }

    [Property(MaxTest = 100)]
    public bool Byte_at_a_time_arrival_gives_the_body(byte[] body)
    {
        var encoded = ChunkedDriver.Encode(body, [13, 1, 40]);
        var outcome = ChunkedDriver.Decode(encoded, Enumerable.Range(1, encoded.Length));
        return outcome.Completed && outcome.Data.AsSpan().SequenceEqual(body);
    }

    /// <summary>Arbitrary bytes: completed, need-more or <see cref="BadHttpRequestException"/>, and the
    /// same whether they arrive at once or a byte at a time.</summary>
    [Property(Arbitrary = [typeof(HttpArbitraries)], MaxTest = 500)]
    public bool Any_bytes_end_the_same_way_whole_or_byte_at_a_time(byte[] junk)
    {
        var chunkish = junk.Length > 0 && junk[0] % 2 == 0 ? [.. "5;x\r\nhello\r\n"u8.ToArray(), .. junk] : junk;
        return Outcome(() => ChunkedDriver.Decode(chunkish)) == Outcome(() => ChunkedDriver.Decode(chunkish, Enumerable.Range(1, chunkish.Length)));
    }

    private static string Outcome(Func<ChunkedDriver.Outcome> decode)
    {
        try
        {
            var o = decode();
            return $"{o.Completed}:{o.Consumed}:{Encoding.Latin1.GetString(o.Data)}";
        }
        catch (BadHttpRequestException ex)
        {
            return "bad:" + ex.Reason;
        }
    }
}
