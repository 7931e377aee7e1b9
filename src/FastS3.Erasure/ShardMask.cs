using System.Numerics;
using System.Text;

namespace FastS3.Erasure;

/// <summary>
/// A set of shard indexes in [0, 256), as a 256-bit value: enough for the largest code
/// (k + m = 255), small enough to pass by value and to key the decode-matrix cache.
/// </summary>
public readonly struct ShardMask : IEquatable<ShardMask>
{
    /// <summary>One more than the largest index a mask can hold.</summary>
    public const int Capacity = 256;

    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    private ShardMask(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <summary>The empty set.</summary>
    public static ShardMask None => default;

    /// <summary>How many indexes are in the set.</summary>
    public int Count =>
        BitOperations.PopCount(_w0) + BitOperations.PopCount(_w1) + BitOperations.PopCount(_w2) + BitOperations.PopCount(_w3);

    /// <summary>Whether the set is empty.</summary>
    public bool IsEmpty => (_w0 | _w1 | _w2 | _w3) == 0;

    /// <summary>The set {0, 1, ..., count - 1}, e.g. every shard of a codec.</summary>
    public static ShardMask FirstN(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Capacity);
        return new ShardMask(LowBits(count), LowBits(count - 64), LowBits(count - 128), LowBits(count - 192));
    }

    /// <summary>The set of the given indexes.</summary>
    public static ShardMask FromIndexes(ReadOnlySpan<int> indexes)
    {
        var mask = None;
        foreach (var index in indexes)
        {
            mask = mask.With(index);
        }

        return mask;
    }

    /// <summary>Whether <paramref name="index"/> is in the set; false for any index outside [0, 256).</summary>
    public bool Contains(int index) => (uint)index < Capacity && (Word(index >> 6) & (1UL << (index & 63))) != 0;

    /// <summary>This set plus <paramref name="index"/>.</summary>
    public ShardMask With(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Capacity);
        var bit = 1UL << (index & 63);
        return (index >> 6) switch
        {
            0 => new ShardMask(_w0 | bit, _w1, _w2, _w3),
            1 => new ShardMask(_w0, _w1 | bit, _w2, _w3),
            2 => new ShardMask(_w0, _w1, _w2 | bit, _w3),
            _ => new ShardMask(_w0, _w1, _w2, _w3 | bit),
        };
    }

    /// <summary>This set minus <paramref name="index"/>.</summary>
    public ShardMask Without(int index) => Except(None.With(index));

    /// <summary>Indexes in either set.</summary>
    public ShardMask Union(ShardMask other) => new(_w0 | other._w0, _w1 | other._w1, _w2 | other._w2, _w3 | other._w3);

    /// <summary>Indexes in both sets.</summary>
    public ShardMask Intersect(ShardMask other) => new(_w0 & other._w0, _w1 & other._w1, _w2 & other._w2, _w3 & other._w3);

    /// <summary>Indexes in this set and not in <paramref name="other"/>.</summary>
    public ShardMask Except(ShardMask other) => new(_w0 & ~other._w0, _w1 & ~other._w1, _w2 & ~other._w2, _w3 & ~other._w3);

    /// <summary>
    /// Writes the set's indexes in ascending order to <paramref name="destination"/>, at most
    /// its length, and returns how many were written.
    /// </summary>
    public int CopyIndexesTo(Span<int> destination)
    {
        var written = 0;
        for (var w = 0; w < 4 && written < destination.Length; w++)
        {
            var bits = Word(w);
            while (bits != 0 && written < destination.Length)
            {
                destination[written++] = (w << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
            }
        }

        return written;
    }

    /// <inheritdoc/>
    public bool Equals(ShardMask other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ShardMask other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    /// <summary>The indexes, e.g. "{0, 3, 9}".</summary>
    public override string ToString()
    {
        var text = new StringBuilder("{");
        Span<int> indexes = stackalloc int[Capacity];
        var count = CopyIndexesTo(indexes);
        for (var i = 0; i < count; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(indexes[i]);
        }

        return text.Append('}').ToString();
    }

    public static bool operator ==(ShardMask left, ShardMask right) => left.Equals(right);

    public static bool operator !=(ShardMask left, ShardMask right) => !left.Equals(right);

    // The lowest n bits set, for n clamped to [0, 64].
    private static ulong LowBits(int n) => n <= 0 ? 0 : n >= 64 ? ulong.MaxValue : (1UL << n) - 1;

    private ulong Word(int w) => w switch
    {
        0 => _w0,
        1 => _w1,
        2 => _w2,
        _ => _w3,
    };
}
