using System.Buffers;

namespace FastS3.Http.Tests;

/// <summary>Chains byte arrays into a multi-segment <see cref="ReadOnlySequence{T}"/>, the way a
/// pipe hands out data that arrived in several reads. Empty parts are kept as empty segments.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Of(params ReadOnlyMemory<byte>[] parts)
    {
        if (parts.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segments(parts[0], 0);
        var last = first;
        for (var i = 1; i < parts.Length; i++)
        {
            var next = new Segments(parts[i], last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Two segments, cut at <paramref name="at"/> (either may be empty).</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] data, int at) =>
        Of(data.AsMemory(0, at), data.AsMemory(at));

    /// <summary>Segments cut at every given offset (sorted, duplicates give empty segments).</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] data, IEnumerable<int> cuts)
    {
        var parts = new List<ReadOnlyMemory<byte>>();
        var start = 0;
        foreach (var cut in cuts.Order())
        {
            var c = Math.Clamp(cut, start, data.Length);
            parts.Add(data.AsMemory(start, c - start));
            start = c;
        }

        parts.Add(data.AsMemory(start));
        return Of([.. parts]);
    }

    /// <summary>One segment per byte.</summary>
    public static ReadOnlySequence<byte> Bytewise(byte[] data) =>
        Of([.. Enumerable.Range(0, data.Length).Select(i => (ReadOnlyMemory<byte>)data.AsMemory(i, 1))]);
}
