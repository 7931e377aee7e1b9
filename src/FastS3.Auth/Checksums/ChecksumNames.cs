using FastS3.Auth.Internal;

namespace FastS3.Auth.Checksums;

/// <summary>
/// Header names and algorithm names (S3 API Reference, PutObject: x-amz-checksum-crc32,
/// -crc32c, -crc64nvme, -sha1, -sha256; x-amz-checksum-algorithm / x-amz-sdk-checksum-algorithm
/// values CRC32, CRC32C, CRC64NVME, SHA1, SHA256).
/// </summary>
public static class ChecksumNames
{
    public static string HeaderName(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => "x-amz-checksum-crc32",
        ChecksumAlgorithm.Crc32C => "x-amz-checksum-crc32c",
        ChecksumAlgorithm.Crc64Nvme => "x-amz-checksum-crc64nvme",
        ChecksumAlgorithm.Sha1 => "x-amz-checksum-sha1",
        ChecksumAlgorithm.Sha256 => "x-amz-checksum-sha256",
        ChecksumAlgorithm.Md5 => "content-md5",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The name used in x-amz-checksum-algorithm and in XML (e.g. <c>CRC64NVME</c>).</summary>
    public static string AlgorithmName(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        ChecksumAlgorithm.Sha256 => "SHA256",
        ChecksumAlgorithm.Md5 => "MD5",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Maps an x-amz-checksum-* header name (any case) to its algorithm; None if it is not one.</summary>
    public static ChecksumAlgorithm FromHeaderName(ReadOnlySpan<byte> name)
    {
        if (name.Length <= 15 || !Ascii8.EqualsIgnoreCase(name[..15], "x-amz-checksum-"u8))
        {
            return ChecksumAlgorithm.None;
        }

        var suffix = name[15..];
        return Ascii8.EqualsIgnoreCase(suffix, "crc32"u8) ? ChecksumAlgorithm.Crc32
            : Ascii8.EqualsIgnoreCase(suffix, "crc32c"u8) ? ChecksumAlgorithm.Crc32C
            : Ascii8.EqualsIgnoreCase(suffix, "crc64nvme"u8) ? ChecksumAlgorithm.Crc64Nvme
            : Ascii8.EqualsIgnoreCase(suffix, "sha1"u8) ? ChecksumAlgorithm.Sha1
            : Ascii8.EqualsIgnoreCase(suffix, "sha256"u8) ? ChecksumAlgorithm.Sha256
            : ChecksumAlgorithm.None;
    }

    public static ChecksumAlgorithm FromHeaderName(string name) => FromHeaderName(System.Text.Encoding.ASCII.GetBytes(name));

    /// <summary>Maps an algorithm name (CRC32, crc32c, ...; any case) to its algorithm; None if unknown.</summary>
    public static ChecksumAlgorithm FromAlgorithmName(ReadOnlySpan<byte> name) =>
        Ascii8.EqualsIgnoreCase(name, "CRC32"u8) ? ChecksumAlgorithm.Crc32
        : Ascii8.EqualsIgnoreCase(name, "CRC32C"u8) ? ChecksumAlgorithm.Crc32C
        : Ascii8.EqualsIgnoreCase(name, "CRC64NVME"u8) ? ChecksumAlgorithm.Crc64Nvme
        : Ascii8.EqualsIgnoreCase(name, "SHA1"u8) ? ChecksumAlgorithm.Sha1
        : Ascii8.EqualsIgnoreCase(name, "SHA256"u8) ? ChecksumAlgorithm.Sha256
        : ChecksumAlgorithm.None;

    /// <summary>Digest size in bytes (the decoded length of the base64 header value).</summary>
    public static int SizeBytes(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        ChecksumAlgorithm.Sha256 => 32,
        ChecksumAlgorithm.Md5 => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };
}
