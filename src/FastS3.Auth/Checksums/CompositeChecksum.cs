using System.Buffers.Binary;

namespace FastS3.Auth.Checksums;

/// <summary>
/// Multipart upload checksums (S3 User Guide, "Checking object integrity", "Using part-level
/// checksums for multipart uploads").
/// </summary>
public static class CompositeChecksum
{
    /// <summary>
    /// COMPOSITE type: the checksum of the concatenated raw part checksums, base64, then
    /// "-" + part count (e.g. <c>"...==-3"</c>).
    /// </summary>
    public static string Compute(ChecksumAlgorithm algorithm, IReadOnlyList<byte[]> partChecksums)
    {
        using var h = new ChecksumHasher(algorithm);
        foreach (var p in partChecksums)
        {
            h.Append(p);
        }

        return h.GetBase64() + "-" + partChecksums.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Same, from the base64 part values as listed in CompleteMultipartUpload.</summary>
    public static string ComputeFromBase64(ChecksumAlgorithm algorithm, IReadOnlyList<string> partChecksumsBase64) =>
        Compute(algorithm, [.. partChecksumsBase64.Select(Convert.FromBase64String)]);

    /// <summary>
    /// FULL_OBJECT type for CRC algorithms: the CRC of the whole object, combined from each
    /// part's CRC and length in order. Returns the base64 wire value (no "-N" suffix).
    /// </summary>
    public static string CombineFullObject(ChecksumAlgorithm algorithm, IReadOnlyList<(byte[] Crc, long Length)> parts)
    {
        ulong crc = 0;
        var first = true;
        foreach (var (bytes, length) in parts)
        {
            var value = bytes.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
            crc = first ? value : CrcCombine.Combine(algorithm, crc, value, length);
            first = false;
        }

        Span<byte> output = stackalloc byte[8];
        if (algorithm == ChecksumAlgorithm.Crc64Nvme)
        {
            BinaryPrimitives.WriteUInt64BigEndian(output, crc);
            return Convert.ToBase64String(output);
        }

        BinaryPrimitives.WriteUInt32BigEndian(output, (uint)crc);
        return Convert.ToBase64String(output[..4]);
    }
}
