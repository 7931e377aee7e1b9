using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FastS3.Storage;

/// <summary>
/// How every store names and lists multipart uploads. Uploads list in (key, upload id) order, the
/// order S3's markers page by ("an upload ID lexicographically greater than upload-id-marker"),
/// and upload ids begin with their initiation time, so within a key that order is also the
/// initiation order S3 lists in.
/// </summary>
public static class UploadListing
{
    /// <summary>A new upload id: 16 hex digits of the initiation time (100 ns ticks, big-endian), then 16 random ones.</summary>
    public static string NewId(DateTimeOffset initiated)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, initiated.UtcTicks);
        RandomNumberGenerator.Fill(bytes[8..]);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>
    /// True when <paramref name="upload"/> comes after the markers: its key sorts after
    /// <paramref name="keyMarker"/>, or equals it with an id above <paramref name="uploadIdMarker"/>
    /// (which counts only with a key marker). No key marker: every upload.
    /// </summary>
    public static bool IsAfter(MultipartUpload upload, string keyMarker, string uploadIdMarker)
    {
        if (keyMarker.Length == 0)
        {
            return true;
        }

        var order = Utf8KeyComparer.Instance.Compare(upload.Key, keyMarker);
        return order > 0 || (order == 0 && uploadIdMarker.Length > 0 && string.CompareOrdinal(upload.UploadId, uploadIdMarker) > 0);
    }

    /// <summary>Listing order: key (UTF-8 bytes), then upload id.</summary>
    public static int Compare(MultipartUpload x, MultipartUpload y)
    {
        var order = Utf8KeyComparer.Instance.Compare(x.Key, y.Key);
        return order != 0 ? order : string.CompareOrdinal(x.UploadId, y.UploadId);
    }
}
