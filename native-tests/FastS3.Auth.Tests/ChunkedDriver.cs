using System.Buffers;
using FastS3.Auth.Chunked;

namespace FastS3.Auth.Tests;

/// <summary>
/// Feeds a body to an <see cref="AwsChunkedDecoder"/> the way a connection does: pieces arrive,
/// unconsumed bytes stay buffered in front of the next piece (a second segment), the decoder
/// runs until it needs more.
/// </summary>
internal static class ChunkedDriver
{
    internal sealed record Outcome(AwsChunkedStatus Status, AwsChunkedError Error, byte[] Data, int ChunkCount, long Leftover);

    public static Outcome Run(AwsChunkedDecoder decoder, byte[] body, IEnumerable<int>? cuts = null, bool finalBlock = true)
    {
        var points = (cuts ?? []).Where(c => c > 0 && c < body.Length).Distinct().Order().Append(body.Length).ToList();
        var data = new MemoryStream();
        byte[] leftover = [];
        var start = 0;
        var status = AwsChunkedStatus.NeedMoreData;
        for (var i = 0; i < points.Count; i++)
        {
            var piece = body.AsMemory(start, points[i] - start);
            start = points[i];
            var isLast = i == points.Count - 1;
            var sequence = Segments.Of(leftover, piece);
            var reader = new SequenceReader<byte>(sequence);
            status = Pump(decoder, ref reader, data, isLast && finalBlock);
            leftover = sequence.Slice(reader.Position).ToArray();
            if (status is AwsChunkedStatus.Completed or AwsChunkedStatus.Error)
            {
                break;
            }
        }

        return new Outcome(status, decoder.Error, data.ToArray(), decoder.ChunkCount, leftover.Length);
    }

    private static AwsChunkedStatus Pump(AwsChunkedDecoder decoder, ref SequenceReader<byte> reader, MemoryStream sink, bool finalBlock)
    {
        while (true)
        {
            var status = decoder.Decode(ref reader, out var data, finalBlock);
            if (status != AwsChunkedStatus.Data)
            {
                return status;
            }

            foreach (var segment in data)
            {
                sink.Write(segment.Span);
            }
        }
    }
}
