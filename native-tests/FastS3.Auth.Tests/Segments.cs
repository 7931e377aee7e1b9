using System.Buffers;

namespace FastS3.Auth.Tests;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, as a pipe hands them out.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Of(params ReadOnlyMemory<byte>[] parts)
    {
        var nonEmpty = parts.Where(p => !p.IsEmpty).ToArray();
        if (nonEmpty.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segments(nonEmpty[0], 0);
        var last = first;
        foreach (var p in nonEmpty.Skip(1))
        {
            var next = new Segments(p, last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
