using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FastS3.Auth;

/// <summary>A SHA-256 value held inline (no array), so results carrying one allocate nothing.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Sha256Digest : IEquatable<Sha256Digest>
{
    public const int Size = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    public Sha256Digest(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException("A SHA-256 digest is 32 bytes.", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>SHA-256 of the empty string.</summary>
    public static Sha256Digest Empty { get; } = new(SHA256.HashData(ReadOnlySpan<byte>.Empty));

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>Compares with a computed digest in constant time.</summary>
    public bool Matches(ReadOnlySpan<byte> digest)
    {
        Span<byte> mine = stackalloc byte[Size];
        CopyTo(mine);
        return CryptographicOperations.FixedTimeEquals(mine, digest);
    }

    public static Sha256Digest Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> h = stackalloc byte[Size];
        SHA256.HashData(data, h);
        return new Sha256Digest(h);
    }

    public string ToHex()
    {
        Span<byte> mine = stackalloc byte[Size];
        CopyTo(mine);
        return Convert.ToHexStringLower(mine);
    }

    public bool Equals(Sha256Digest other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is Sha256Digest other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    public override string ToString() => ToHex();

    public static bool operator ==(Sha256Digest left, Sha256Digest right) => left.Equals(right);

    public static bool operator !=(Sha256Digest left, Sha256Digest right) => !left.Equals(right);
}
