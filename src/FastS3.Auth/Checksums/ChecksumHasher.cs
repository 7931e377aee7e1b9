using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace FastS3.Auth.Checksums;

/// <summary>
/// Incremental checksum over a streamed body: append spans as they arrive, then read the value
/// in S3's wire form (base64 of the big-endian CRC register, or of the raw digest). One instance
/// per body; <see cref="Reset"/> to reuse. CRCs come from System.IO.Hashing (vectorized),
/// digests from <see cref="IncrementalHash"/>.
/// </summary>
public sealed class ChecksumHasher : IDisposable
{
    private readonly Crc32? _crc32;
    private readonly Crc64? _crc64;
    private readonly IncrementalHash? _digest;

    public ChecksumHasher(ChecksumAlgorithm algorithm)
    {
        Algorithm = algorithm;
        switch (algorithm)
        {
            case ChecksumAlgorithm.Crc32:
                _crc32 = new Crc32();
                break;
            case ChecksumAlgorithm.Crc32C:
                _crc32 = new Crc32(Crc32ParameterSet.Crc32C);
                break;
            case ChecksumAlgorithm.Crc64Nvme:
                _crc64 = new Crc64(Crc64ParameterSet.Nvme);
                break;
            case ChecksumAlgorithm.Sha1:
                _digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
                break;
            case ChecksumAlgorithm.Sha256:
                _digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                break;
            case ChecksumAlgorithm.Md5:
                _digest = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm));
        }
    }

    public ChecksumAlgorithm Algorithm { get; }

    public int SizeBytes => ChecksumNames.SizeBytes(Algorithm);

    /// <summary>Bytes appended since creation or the last reset.</summary>
    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        Length += data.Length;
        if (_crc32 is not null)
        {
            _crc32.Append(data);
        }
        else if (_crc64 is not null)
        {
            _crc64.Append(data);
        }
        else
        {
            _digest!.AppendData(data);
        }
    }

    public void Append(in ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            Append(segment.Span);
        }
    }

    /// <summary>Writes the current value (big-endian CRC / digest) without ending the computation.</summary>
    public int GetCurrentValue(Span<byte> destination)
    {
        if (_crc32 is not null)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, _crc32.GetCurrentHashAsUInt32());
            return 4;
        }

        if (_crc64 is not null)
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination, _crc64.GetCurrentHashAsUInt64());
            return 8;
        }

        return _digest!.GetCurrentHash(destination);
    }

    /// <summary>The CRC register as an integer (CRC algorithms only), for <see cref="CrcCombine"/>.</summary>
    public ulong GetCurrentCrc() =>
        _crc32 is not null ? _crc32.GetCurrentHashAsUInt32()
        : _crc64 is not null ? _crc64.GetCurrentHashAsUInt64()
        : throw new InvalidOperationException("Not a CRC algorithm.");

    /// <summary>The value as it appears in an x-amz-checksum-* header.</summary>
    public string GetBase64()
    {
        Span<byte> value = stackalloc byte[32];
        var n = GetCurrentValue(value);
        return Convert.ToBase64String(value[..n]);
    }

    /// <summary>
    /// Compares with a base64 header/trailer value (as received, UTF-8) in constant time; false
    /// also when the value is not valid base64 of the right length.
    /// </summary>
    public bool Matches(ReadOnlySpan<byte> base64Value)
    {
        Span<byte> expected = stackalloc byte[48];
        if (System.Buffers.Text.Base64.DecodeFromUtf8(base64Value, expected, out _, out var written) != OperationStatus.Done || written != SizeBytes)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[32];
        var n = GetCurrentValue(actual);
        return CryptographicOperations.FixedTimeEquals(actual[..n], expected[..written]);
    }

    public void Reset()
    {
        Length = 0;
        _crc32?.Reset();
        _crc64?.Reset();
        if (_digest is not null)
        {
            Span<byte> discard = stackalloc byte[64];
            _digest.GetHashAndReset(discard);
        }
    }

    /// <summary>One-shot value in wire form.</summary>
    public static string ComputeBase64(ChecksumAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        using var h = new ChecksumHasher(algorithm);
        h.Append(data);
        return h.GetBase64();
    }

    public void Dispose() => _digest?.Dispose();
}
