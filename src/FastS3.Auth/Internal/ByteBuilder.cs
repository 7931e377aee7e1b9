using System.Buffers;

namespace FastS3.Auth.Internal;

/// <summary>
/// Append-only byte buffer that starts on caller-provided (usually stack) memory and moves to
/// pooled arrays only when it outgrows it, so building a canonical request for a typical S3
/// request allocates nothing. Must be disposed to return a rented array.
/// </summary>
internal ref struct ByteBuilder
{
    private Span<byte> _span;
    private byte[]? _rented;
    private int _length;

    public ByteBuilder(Span<byte> initial)
    {
        _span = initial;
        _rented = null;
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> Written => _span[.._length];

    public void Append(byte value)
    {
        if ((uint)_length >= (uint)_span.Length)
        {
            Grow(1);
        }

        _span[_length++] = value;
    }

    public void Append(scoped ReadOnlySpan<byte> value)
    {
        if (value.Length > _span.Length - _length)
        {
            Grow(value.Length);
        }

        value.CopyTo(_span[_length..]);
        _length += value.Length;
    }

    /// <summary>Appends <paramref name="value"/> percent-encoded as one '%XX' triplet (upper-case hex).</summary>
    public void AppendPercentEncoded(byte value)
    {
        if (_span.Length - _length < 3)
        {
            Grow(3);
        }

        _span[_length] = (byte)'%';
        _span[_length + 1] = Hex.UpperDigit(value >> 4);
        _span[_length + 2] = Hex.UpperDigit(value & 0xF);
        _length += 3;
    }

    public void AppendLowerHex(scoped ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length * 2 > _span.Length - _length)
        {
            Grow(bytes.Length * 2);
        }

        Hex.EncodeLower(bytes, _span.Slice(_length, bytes.Length * 2));
        _length += bytes.Length * 2;
    }

    /// <summary>Reserves <paramref name="count"/> bytes and returns them for the caller to fill.</summary>
    public Span<byte> AppendSpan(int count)
    {
        if (count > _span.Length - _length)
        {
            Grow(count);
        }

        var result = _span.Slice(_length, count);
        _length += count;
        return result;
    }

    public void Truncate(int length) => _length = length;

    public void Dispose()
    {
        var rented = _rented;
        if (rented is not null)
        {
            _rented = null;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Grow(int additional)
    {
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_span.Length * 2, _length + additional));
        _span[.._length].CopyTo(next);
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }

        _rented = next;
        _span = next;
    }
}
