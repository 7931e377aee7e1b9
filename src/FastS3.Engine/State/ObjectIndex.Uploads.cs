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
/// bounded by memory either. Two more key spaces per bucket (a bucket name has no control bytes,
/// so each is one contiguous range that sorts after the bucket's objects):
/// <code>
///   bucket ‖ 0x01 ‖ uploadId                     -> u8 format (1), the upload (key, initiated, template, checksum settings)
///   bucket ‖ 0x02 ‖ uploadId ‖ 0x00 ‖ u32 BE part -> u8 format (1), the part's info, its extents
/// </code>
/// Parts of one upload are one range in part-number order: ListParts is a walk, Complete and Abort
/// walk it once to end the upload.
/// </summary>
internal sealed partial class ObjectIndex
{
    public const byte UploadValueFormat = 1;

    private const byte UploadSpace = 1;
    private const byte PartSpace = 2;

    /// <summary>Index pages a new or replaced part can take: its path and its value (a part's value is small: info and extents).</summary>
    public static int PagesToWritePart(int extentCount) => PathPages + 1 + (extentCount * 16 / 4096);

    /// <summary>
    /// Index pages ending an upload of <paramref name="partCount"/> parts can take: its deletes
    /// copy each leaf they touch once per commit (a path copied earlier in the same commit is
    /// changed in place), so at most a page per part beyond one path.
    /// </summary>
    public static int PagesToEndUpload(int partCount) => (2 * PathPages) + partCount;

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
        if (!TryPartsPrefix(bucket, uploadId, out var prefix))
        {
            return []; // no stored upload has such an id
        }

        var cursor = version is null ? _tree.Seek(prefix) : _tree.Seek(version, prefix);
        var parts = new List<PartEntry>();
        while (cursor.MoveNext() && cursor.Key.StartsWith(prefix))
        {
            parts.Add(DecodePart(cursor.Value));
        }

        return parts;
    }

    // ---- the writer ----

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

        if (TryWriteUploadKey(bucket, uploadId, treeKey, out var uploadLength))
        {
            _tree.Delete(treeKey[..uploadLength], lsn);
        }

        return parts;
    }

    // ---- readers (in a read section, on the version they took) ----

    /// <summary>The bucket's uploads in progress, in upload-id order.</summary>
    public List<MultipartUpload> Uploads(PublishedVersion version, string bucket)
    {
        var prefix = SpacePrefix(bucket, UploadSpace, 0);
        var cursor = _tree.Seek(version, prefix);
        var uploads = new List<MultipartUpload>();
        while (cursor.MoveNext() && cursor.Key.StartsWith(prefix))
        {
            uploads.Add(DecodeUpload(cursor.Value));
        }

        return uploads;
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
