using System.Buffers;
using System.Text;

namespace FastS3.Http.Tests;

/// <summary>Drives <see cref="ChunkedDecoder"/> the way the body pump does: the input arrives in
/// pieces, each call sees everything not yet consumed (as a multi-segment sequence), and
/// <c>reader.Position</c> is what was consumed.</summary>
internal static class ChunkedDriver
{
    public sealed record Outcome(byte[] Data, long Consumed, bool Completed);

    public static Outcome Decode(byte[] encoded, HttpLimits? limits = null) => Decode(encoded, [], limits);

    /// <summary><paramref name="arrivals"/>: offsets where the network cut the input.</summary>
    public static Outcome Decode(byte[] encoded, IEnumerable<int> arrivals, HttpLimits? limits = null)
    {
        limits ??= Heads.Limits;
        var cuts = arrivals.Where(c => c > 0 && c < encoded.Length).Append(encoded.Length).Distinct().Order().ToArray();
        var decoder = default(ChunkedDecoder);
        var output = new List<byte>();
        long consumed = 0;
        var previous = 0;
        foreach (var available in cuts)
        {
            // What a pipe would hold: the unconsumed bytes that were already there, then the new arrival.
            var old = encoded.AsMemory((int)consumed, Math.Max(0, previous - (int)consumed));
            var fresh = encoded.AsMemory(Math.Max(previous, (int)consumed), available - Math.Max(previous, (int)consumed));
            previous = available;
            var reader = new SequenceReader<byte>(Segments.Of(old, fresh));
            for (var guard = 0; !decoder.IsCompleted && decoder.TryDecode(ref reader, limits, out var data); guard++)
            {
                Assert.True(guard <= encoded.Length + 2, "decoder made no progress");
                foreach (var segment in data)
                {
                    output.AddRange(segment.Span);
                }
            }

            consumed += reader.Consumed;
            if (decoder.IsCompleted)
            {
                break;
            }
        }

        return new Outcome([.. output], consumed, decoder.IsCompleted);
    }

    /// <summary>Chunked encoding of <paramref name="body"/> with the given chunk sizes (cycled) and
    /// optional extension and trailer text.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> body, IReadOnlyList<int> sizes, string extension = "", string trailers = "", bool upperHex = false)
    {
        var output = new List<byte>();
        var position = 0;
        for (var i = 0; position < body.Length; i++)
        {
            var size = Math.Min(Math.Max(1, sizes[i % sizes.Count]), body.Length - position);
            output.AddRange(Encoding.ASCII.GetBytes(size.ToString(upperHex ? "X" : "x", System.Globalization.CultureInfo.InvariantCulture) + extension + "\r\n"));
            output.AddRange(body.Slice(position, size));
            output.AddRange("\r\n"u8);
            position += size;
        }

        output.AddRange(Encoding.ASCII.GetBytes("0" + extension + "\r\n" + trailers + "\r\n"));
        return [.. output];
    }
}
