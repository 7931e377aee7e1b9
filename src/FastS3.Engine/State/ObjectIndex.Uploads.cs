using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using FastS3.Engine.Format;
using FastS3.Engine.Index;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.State;

/// <summary>
/// Multipart uploads in progress, in the object tree beside the bucket's objects, so they are not
/// bounded by memory either. Three more key spaces per bucket (a bucket name has no control bytes,
/// so each is one contiguous range that sorts after the bucket's objects):
/// <code>
///   bucket ‖ 0x01 ‖ uploadId                        -> u8 format (1), the upload (key, initiated, template, checksum settings)
///   bucket ‖ 0x02 ‖ uploadId ‖ 0x00 ‖ u32 BE part    -> u8 format (1), the part's info, its extents
///   bucket ‖ 0x03 ‖ esc(key) ‖ 0x00 0x00 ‖ uploadId -> the upload again: the listing order
/// </code>
/// Parts of one upload are one range in part-number order: ListParts is a walk, Complete and Abort
/// walk it once to end the upload. The third space lists uploads in (key, upload id) order, so a
/// ListMultipartUploads page is a seek and a walk of its own length: esc writes a key's 0x00 bytes
/// as 0x00 0xFF, which keeps byte order and makes the 0x00 0x00 terminator sort before any longer
/// key with the same start.
/// </summary>
internal sealed partial class ObjectIndex
{
    public const byte UploadValueFormat = 1;

    private const byte UploadSpace = 1;
    private const byte PartSpace = 2;
    private const byte UploadListingSpace = 3;

    /// <summary>Index pages a new or replaced part can take: its path and its value (a part's value is small: info and extents).</summary>
    public static int PagesToWritePart(int extentCount) => PathPages + 1 + (extentCount * 16 / 4096);

    /// <summary>
    /// Index pages ending an upload of <paramref name="partCount"/> parts can take: its deletes
    /// copy each leaf they touch once per commit (a path copied earlier in the same commit is
    /// changed in place), so at most a page per part beyond one path.
    /// </summary>
    public static int PagesToEndUpload(int partCount) => (3 * PathPages) + partCount;

    /// <summary>The upload in <paramref name="version"/> (a reader holds it), or in the write state when null (writer only).</summary>
    public MultipartUpload? GetUpload(PublishedVersion? version, string bucket, string uploadId)
    {
        Span<byte> treeKey = stackalloc byte[MaxTreeKeyBytes];
        return TryWriteUploadKey(bucket, uploadId, treeKey, out var length) && Lookup(version, treeKey[..length]) is { } value
            ? DecodeUpload(value.WrittenSpan)
            : null;
    }

    /// <summary>The part in <paramref name="version"/>, or in the write state when null (writer only).</summary>
    public PartEntry? GetPart(PublishedVersion? version, string bucket, string uploadId, int partNumber)
    {
        Span<byte> treeKey = stackalloc byte[MaxTreeKeyBytes];
        return TryWritePartKey(bucket, uploadId, partNumber, treeKey, out var length) && Lookup(version, treeKey[..length]) is { } value
            ? DecodePart(value.WrittenSpan)
            : null;
    }

    /// <summary>The upload's parts in part-number order, in <paramref name="version"/> or in the write state when null (writer only).</summary>
    public List<PartEntry> GetParts(PublishedVersion? version, string bucket, string uploadId)
    {
        var parts = new List<PartEntry>();
        if (TryPartsPrefix(bucket, uploadId, out var prefix)) // else no stored upload has such an id
        {
            var cursor = version is null ? _tree.Seek(prefix) : _tree.Seek(version, prefix);
            while (cursor.MoveNext() && cursor.Key.StartsWith(prefix))
            {
                parts.Add(DecodePart(cursor.Value));
            }
        }

        return parts;
    }

    /// <summary>How many parts the upload has in the write state: a walk over their keys, nothing decoded. Writer only.</summary>
    public int CountPartsForWrite(string bucket, string uploadId)
    {
        var count = 0;
        if (TryPartsPrefix(bucket, uploadId, out var prefix))
        {
            var cursor = _tree.Seek(prefix);
            while (cursor.MoveNext() && cursor.Key.StartsWith(prefix))
            {
                count++;
            }
        }

        return count;
    }

    // ---- the writer ----

    /// <summary>True when an upload of <paramref name="key"/> with <paramref name="uploadId"/> fits every index key it needs (checked before it is logged).</summary>
    public static bool UploadFits(string bucket, string key, string uploadId)
    {
        var bucketBytes = Encoding.UTF8.GetByteCount(bucket);
        var idBytes = Encoding.UTF8.GetByteCount(uploadId);
        var keyBytes = Encoding.UTF8.GetByteCount(key) + key.AsSpan().Count('\0');
        return bucketBytes + 1 + keyBytes + 2 + idBytes <= MaxTreeKeyBytes
            && bucketBytes + 1 + idBytes + 1 + 4 <= MaxTreeKeyBytes
            && !uploadId.Contains('\0');
    }

    /// <summary>Index pages writing an upload can take: its two entries (by id, and in the listing order).</summary>
    public static int PagesToWriteUpload(MultipartUpload upload) => 2 * PagesToWrite(upload.Template, 0);

    public void PutUpload(string bucket, MultipartUpload upload, ulong lsn)
    {
        Span<byte> treeKey = stackalloc byte[MaxTreeKeyBytes];
        if (!TryWriteUploadKey(bucket, upload.UploadId, treeKey, out var length))
        {
            throw new InvalidDataException($"upload id '{upload.UploadId}' of bucket '{bucket}' does not fit an index key");
        }

        _encoder.Reset();
        _encoder.WriteByte(UploadValueFormat);
        _encoder.WriteUpload(upload);
        _tree.Upsert(treeKey[..length], _encoder.Written, lsn);
        _tree.Upsert(ListingKey(bucket, upload.Key, upload.UploadId), _encoder.Written, lsn);
    }

    public void PutPart(string bucket, string uploadId, PartEntry part, ulong lsn)
    {
        Span<byte> treeKey = stackalloc byte[MaxTreeKeyBytes];
        if (!TryWritePartKey(bucket, uploadId, part.Info.PartNumber, treeKey, out var length))
        {
            throw new InvalidDataException($"upload id '{uploadId}' of bucket '{bucket}' does not fit an index key");
        }

        _encoder.Reset();
        _encoder.WriteByte(UploadValueFormat);
        _encoder.WritePartInfo(part.Info);
        _encoder.WriteExtents(part.Extents.AsSpan());
        _tree.Upsert(treeKey[..length], _encoder.Written, lsn);
    }

    /// <summary>Ends the upload: removes it and every part; returns the parts it had.</summary>
    public List<PartEntry> DeleteUpload(string bucket, string uploadId, ulong lsn)
    {
        var parts = GetParts(null, bucket, uploadId);
        Span<byte> treeKey = stackalloc byte[MaxTreeKeyBytes];
        foreach (var part in parts)
        {
            TryWritePartKey(bucket, uploadId, part.Info.PartNumber, treeKey, out var length);
            _tree.Delete(treeKey[..length], lsn);
        }

        if (GetUpload(null, bucket, uploadId) is { } upload && TryWriteUploadKey(bucket, uploadId, treeKey, out var uploadLength))
        {
            _tree.Delete(treeKey[..uploadLength], lsn);
            _tree.Delete(ListingKey(bucket, upload.Key, uploadId), lsn);
        }

        return parts;
    }

    // ---- readers (in a read section, on the version they took) ----

    /// <summary>
    /// The bucket's uploads in progress whose key starts with <paramref name="prefix"/>, after the
    /// markers (<see cref="UploadListing.IsAfter"/>), in (key, upload id) order, at most
    /// <paramref name="limit"/>: one seek, then a walk over what it returns (and the marker key's
    /// own uploads up to the id marker).
    /// </summary>
    public List<MultipartUpload> Uploads(PublishedVersion version, string bucket, string prefix, string keyMarker, string uploadIdMarker, int limit)
    {
        var within = ListingPrefix(bucket, prefix, terminated: false);
        var from = keyMarker.Length > 0 && Utf8KeyComparer.Instance.Compare(keyMarker, prefix) > 0
            ? ListingPrefix(bucket, keyMarker, terminated: false)
            : within;
        var cursor = _tree.Seek(version, from);
        var uploads = new List<MultipartUpload>();
        while (uploads.Count < limit && cursor.MoveNext() && cursor.Key.StartsWith(within))
        {
            var upload = DecodeUpload(cursor.Value);
            if (UploadListing.IsAfter(upload, keyMarker, uploadIdMarker) && upload.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                uploads.Add(upload);
            }
        }

        return uploads;
    }

    /// <summary><c>bucket ‖ 0x03 ‖ esc(key)</c>, with the 0x00 0x00 terminator when <paramref name="terminated"/>.</summary>
    private static byte[] ListingPrefix(string bucket, string key, bool terminated)
    {
        var utf8 = Encoding.UTF8.GetBytes(key);
        var escapes = utf8.AsSpan().Count((byte)0);
        var prefix = SpacePrefix(bucket, UploadListingSpace, utf8.Length + escapes + (terminated ? 2 : 0));
        var at = prefix.Length - (utf8.Length + escapes + (terminated ? 2 : 0));
        foreach (var b in utf8)
        {
            prefix[at++] = b;
            if (b == 0)
            {
                prefix[at++] = 0xFF;
            }
        }

        return prefix; // a terminator's two bytes are the zeros SpacePrefix left
    }

    private static byte[] ListingKey(string bucket, string key, string uploadId)
    {
        var prefix = ListingPrefix(bucket, key, terminated: true);
        var treeKey = new byte[prefix.Length + Encoding.UTF8.GetByteCount(uploadId)];
        prefix.CopyTo(treeKey, 0);
        Encoding.UTF8.GetBytes(uploadId, treeKey.AsSpan(prefix.Length));
        if (treeKey.Length > MaxTreeKeyBytes)
        {
            throw new InvalidDataException($"upload '{uploadId}' of key '{key}' does not fit an index key");
        }

        return treeKey;
    }

    private static MultipartUpload DecodeUpload(ReadOnlySpan<byte> value)
    {
        var decoder = new BinaryDecoder(value);
        RequireFormat(decoder.ReadByte(), "upload");
        var upload = decoder.ReadUpload();
        decoder.ExpectEnd();
        return upload;
    }

    private static PartEntry DecodePart(ReadOnlySpan<byte> value)
    {
        var decoder = new BinaryDecoder(value);
        RequireFormat(decoder.ReadByte(), "part");
        var info = decoder.ReadPartInfo();
        var part = new PartEntry(info, decoder.ReadExtents());
        decoder.ExpectEnd();
        return part;
    }

    private static void RequireFormat(byte format, string what)
    {
        if (format != UploadValueFormat)
        {
            throw new InvalidDataException($"index value of an {what} has format {format}, this build reads {UploadValueFormat}");
        }
    }

    /// <summary><c>bucket ‖ space ‖</c> and <paramref name="extraBytes"/> more, zeroed.</summary>
    private static byte[] SpacePrefix(string bucket, byte space, int extraBytes)
    {
        var prefix = new byte[Encoding.UTF8.GetByteCount(bucket) + 1 + extraBytes];
        var length = Encoding.UTF8.GetBytes(bucket, prefix);
        prefix[length] = space;
        return prefix;
    }

    private static bool TryPartsPrefix(string bucket, string uploadId, out byte[] prefix)
    {
        prefix = [];
        var bucketBytes = Encoding.UTF8.GetByteCount(bucket);
        var idBytes = Encoding.UTF8.GetByteCount(uploadId);
        if (bucketBytes + 1 + idBytes + 1 + 4 > MaxTreeKeyBytes || uploadId.Contains('\0'))
        {
            return false; // no stored upload has such an id
        }

        prefix = SpacePrefix(bucket, PartSpace, idBytes + 1);
        Encoding.UTF8.GetBytes(uploadId, prefix.AsSpan(bucketBytes + 1));
        return true; // the trailing 0 separates the id from the part number
    }

    private static bool TryWriteUploadKey(string bucket, string uploadId, Span<byte> destination, out int length)
    {
        length = 0;
        var bucketBytes = Encoding.UTF8.GetByteCount(bucket);
        if (bucketBytes + 1 + Encoding.UTF8.GetByteCount(uploadId) > destination.Length)
        {
            return false;
        }

        length = Encoding.UTF8.GetBytes(bucket, destination);
        destination[length++] = UploadSpace;
        length += Encoding.UTF8.GetBytes(uploadId, destination[length..]);
        return true;
    }

    private static bool TryWritePartKey(string bucket, string uploadId, int partNumber, Span<byte> destination, out int length)
    {
        length = 0;
        var bucketBytes = Encoding.UTF8.GetByteCount(bucket);
        if (bucketBytes + 1 + Encoding.UTF8.GetByteCount(uploadId) + 1 + 4 > destination.Length || uploadId.Contains('\0'))
        {
            return false;
        }

        length = Encoding.UTF8.GetBytes(bucket, destination);
        destination[length++] = PartSpace;
        length += Encoding.UTF8.GetBytes(uploadId, destination[length..]);
        destination[length++] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[length..], (uint)partNumber); // big-endian: byte order is number order
        length += 4;
        return true;
    }
}
