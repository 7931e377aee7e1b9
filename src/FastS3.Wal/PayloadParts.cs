using System.Buffers;
using System.Diagnostics;

namespace FastS3.Wal;

/// <summary>Up to three spans or one sequence: the gather list of one append, copied once into the segment.</summary>
internal readonly ref struct PayloadParts
{
    private readonly ReadOnlySpan<byte> _first;
    private readonly ReadOnlySpan<byte> _second;
    private readonly ReadOnlySpan<byte> _third;
    private readonly ReadOnlySequence<byte> _sequence;

    public PayloadParts(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third)
    {
        _first = first;
        _second = second;
        _third = third;
        _sequence = default;
        LengthBytes = (long)first.Length + second.Length + third.Length;
    }

    public PayloadParts(in ReadOnlySequence<byte> sequence)
    {
        _sequence = sequence;
        LengthBytes = sequence.Length;
    }

    public long LengthBytes { get; }

    public void CopyTo(Span<byte> destination)
    {
        Debug.Assert(destination.Length == LengthBytes);
        if (!_sequence.IsEmpty)
        {
            _sequence.CopyTo(destination);
            return;
        }

        _first.CopyTo(destination);
        _second.CopyTo(destination[_first.Length..]);
        _third.CopyTo(destination[(_first.Length + _second.Length)..]);
    }
}
