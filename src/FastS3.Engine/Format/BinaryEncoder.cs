using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.Format;

/// <summary>
/// Little-endian writer for engine log records and checkpoints, into one growable buffer reused
/// across calls. Every field has a fixed width or a u32 length prefix; nothing is self-describing
/// beyond the leading format version the caller writes, so the layout is the code below and its
/// mirror in <see cref="BinaryDecoder"/>.
/// </summary>
internal sealed class BinaryEncoder
{
    /// <summary>Length prefix of a null string: no valid string is 4 GiB long.</summary>
    public const uint NullStringLength = uint.MaxValue;

    /// <summary>Strict UTF-8: a lone surrogate must fail loudly, not round-trip as U+FFFD.</summary>
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[] _buffer;
    private int _length;

    public BinaryEncoder(int initialCapacityBytes = 1024)
    {
        _buffer = new byte[initialCapacityBytes];
    }

    public int LengthBytes => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Reset() => _length = 0;

    public void WriteByte(byte value) => Take(1)[0] = value;

    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16LittleEndian(Take(2), value);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);

    /// <summary>A length-prefixed byte string (u32 length, then the bytes).</summary>
    public void WriteBlob(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        value.CopyTo(Take(value.Length));
    }

    public void WriteString(string value)
    {
        var byteCount = StrictUtf8.GetByteCount(value);
        WriteUInt32((uint)byteCount);
        var written = StrictUtf8.GetBytes(value, Take(byteCount));
        Debug.Assert(written == byteCount);
    }

    public void WriteNullableString(string? value)
    {
        if (value is null)
        {
            WriteUInt32(NullStringLength);
            return;
        }

        WriteString(value);
    }

    /// <summary>UTC ticks plus the offset in minutes: round-trips a <see cref="DateTimeOffset"/> exactly (10 bytes).</summary>
    public void WriteTime(DateTimeOffset value)
    {
        WriteInt64(value.UtcTicks);
        WriteInt16((short)value.TotalOffsetMinutes);
    }

    public void WriteChecksum(ObjectChecksum? checksum)
    {
        WriteBool(checksum is not null);
        if (checksum is not null)
        {
            WriteString(checksum.Algorithm);
            WriteString(checksum.Value);
            WriteBool(checksum.IsComposite);
        }
    }

    /// <summary>Every <see cref="ObjectInfo"/> field, in declaration order.</summary>
    public void WriteObjectInfo(ObjectInfo info)
    {
        WriteString(info.Key);
        WriteInt64(info.Size);
        WriteString(info.ETag);
        WriteTime(info.LastModified);
        WriteString(info.ContentType);
        WriteNullableString(info.ContentEncoding);
        WriteNullableString(info.ContentDisposition);
        WriteNullableString(info.ContentLanguage);
        WriteNullableString(info.CacheControl);
        WriteNullableString(info.Expires);
        WriteInt32(info.UserMetadata.Count);
        foreach (var (name, value) in info.UserMetadata)
        {
            WriteString(name);
            WriteString(value);
        }

        WriteChecksum(info.Checksum);
        WriteInt32(info.PartsCount);
        WriteInt32(info.PartSizes.Count);
        for (var i = 0; i < info.PartSizes.Count; i++)
        {
            WriteInt64(info.PartSizes[i]);
        }

        WriteString(info.StorageClass);
    }

    public void WritePartInfo(PartInfo part)
    {
        WriteInt32(part.PartNumber);
        WriteString(part.ETag);
        WriteInt64(part.Size);
        WriteTime(part.LastModified);
        WriteChecksum(part.Checksum);
    }

    public void WriteUpload(MultipartUpload upload)
    {
        WriteString(upload.UploadId);
        WriteString(upload.Key);
        WriteTime(upload.Initiated);
        WriteObjectInfo(upload.Template);
        WriteNullableString(upload.ChecksumAlgorithm);
        WriteBool(upload.FullObjectChecksum);
    }

    /// <summary>Extents: u32 count, then 16 bytes each (segment id u64, payload offset i32, length i32).</summary>
    public void WriteExtents(ReadOnlySpan<WalLocation> extents)
    {
        WriteInt32(extents.Length);
        var span = Take(checked(extents.Length * ExtentSizeBytes));
        foreach (var extent in extents)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span, extent.SegmentId);
            BinaryPrimitives.WriteInt32LittleEndian(span[8..], extent.Offset);
            BinaryPrimitives.WriteInt32LittleEndian(span[12..], extent.LengthBytes);
            span = span[ExtentSizeBytes..];
        }
    }

    /// <summary>Reserves <paramref name="count"/> bytes to be filled later (a length or CRC field).</summary>
    public int Reserve(int count)
    {
        var at = _length;
        Take(count).Clear();
        return at;
    }

    public Span<byte> At(int offset, int count) => _buffer.AsSpan(offset, count);

    internal const int ExtentSizeBytes = 16;

    private Span<byte> Take(int count)
    {
        if (_length + count > _buffer.Length)
        {
            var grown = new byte[Math.Max(checked(_length + count), checked(_buffer.Length * 2))];
            _buffer.AsSpan(0, _length).CopyTo(grown);
            _buffer = grown;
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
