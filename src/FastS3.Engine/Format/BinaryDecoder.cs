using System.Buffers.Binary;
using System.Collections.Immutable;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.Format;

/// <summary>
/// Mirror of <see cref="BinaryEncoder"/> over bytes whose CRC already checked out (the WAL
/// validated the record, the checkpoint loader its body). Running past the end or an impossible
/// length means a format bug or version mismatch: <see cref="InvalidDataException"/>, never a
/// silently wrong value.
/// </summary>
internal ref struct BinaryDecoder
{
    private readonly ReadOnlySpan<byte> _source;
    private int _position;

    public BinaryDecoder(ReadOnlySpan<byte> source)
    {
        _source = source;
        _position = 0;
    }

    public readonly int Remaining => _source.Length - _position;

    public byte ReadByte() => Take(1)[0];

    public bool ReadBool() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var other => throw new InvalidDataException($"boolean byte {other} at {_position - 1}"),
    };

    /// <summary>A byte string written by <see cref="BinaryEncoder.WriteBlob"/>.</summary>
    public byte[] ReadBlob() => Take(ReadCount(minBytesEach: 1)).ToArray();

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public string ReadString() => ReadNullableString() ?? throw new InvalidDataException($"null string where one is required, before {_position}");

    public string? ReadNullableString()
    {
        var length = ReadUInt32();
        if (length == BinaryEncoder.NullStringLength)
        {
            return null;
        }

        if (length > (uint)Remaining)
        {
            throw new InvalidDataException($"string of {length} bytes with {Remaining} left");
        }

        return BinaryEncoder.StrictUtf8.GetString(Take((int)length));
    }

    public DateTimeOffset ReadTime()
    {
        var utcTicks = ReadInt64();
        var offsetMinutes = ReadInt16();
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }

    public ObjectChecksum? ReadChecksum()
    {
        if (!ReadBool())
        {
            return null;
        }

        var algorithm = ReadString();
        var value = ReadString();
        return new ObjectChecksum(algorithm, value, ReadBool());
    }

    public ObjectInfo ReadObjectInfo()
    {
        var key = ReadString();
        var size = ReadInt64();
        var etag = ReadString();
        var lastModified = ReadTime();
        var contentType = ReadString();
        var contentEncoding = ReadNullableString();
        var contentDisposition = ReadNullableString();
        var contentLanguage = ReadNullableString();
        var cacheControl = ReadNullableString();
        var expires = ReadNullableString();
        var metadataCount = ReadCount(minBytesEach: 8);
        var metadata = new KeyValuePair<string, string>[metadataCount];
        for (var i = 0; i < metadataCount; i++)
        {
            var name = ReadString();
            metadata[i] = new(name, ReadString());
        }

        var checksum = ReadChecksum();
        var partsCount = ReadInt32();
        var partSizes = new long[ReadCount(minBytesEach: 8)];
        for (var i = 0; i < partSizes.Length; i++)
        {
            partSizes[i] = ReadInt64();
        }

        var storageClass = ReadString();
        return new ObjectInfo
        {
            Key = key,
            Size = size,
            ETag = etag,
            LastModified = lastModified,
            ContentType = contentType,
            ContentEncoding = contentEncoding,
            ContentDisposition = contentDisposition,
            ContentLanguage = contentLanguage,
            CacheControl = cacheControl,
            Expires = expires,
            UserMetadata = metadata,
            Checksum = checksum,
            PartsCount = partsCount,
            PartSizes = partSizes,
            StorageClass = storageClass,
        };
    }

    public PartInfo ReadPartInfo()
    {
        var partNumber = ReadInt32();
        var etag = ReadString();
        var size = ReadInt64();
        var lastModified = ReadTime();
        return new PartInfo(partNumber, etag, size, lastModified, ReadChecksum());
    }

    public MultipartUpload ReadUpload()
    {
        var uploadId = ReadString();
        var key = ReadString();
        var initiated = ReadTime();
        var template = ReadObjectInfo();
        var algorithm = ReadNullableString();
        return new MultipartUpload(uploadId, key, initiated, template, algorithm, ReadBool());
    }

    public ImmutableArray<WalLocation> ReadExtents()
    {
        var count = ReadCount(BinaryEncoder.ExtentSizeBytes);
        var builder = ImmutableArray.CreateBuilder<WalLocation>(count);
        var span = Take(count * BinaryEncoder.ExtentSizeBytes);
        for (var i = 0; i < count; i++)
        {
            var extent = new WalLocation(
                BinaryPrimitives.ReadUInt64LittleEndian(span),
                BinaryPrimitives.ReadInt32LittleEndian(span[8..]),
                BinaryPrimitives.ReadInt32LittleEndian(span[12..]));
            if (extent.Offset < 0 || extent.LengthBytes < 0)
            {
                throw new InvalidDataException($"negative extent {extent}");
            }

            builder.Add(extent);
            span = span[BinaryEncoder.ExtentSizeBytes..];
        }

        return builder.MoveToImmutable();
    }

    /// <summary>An element count that the remaining bytes can hold (a corrupt count cannot make us allocate gigabytes).</summary>
    public int ReadCount(int minBytesEach)
    {
        var count = ReadInt32();
        if (count < 0 || (long)count * minBytesEach > Remaining)
        {
            throw new InvalidDataException($"count {count} does not fit in the {Remaining} bytes left");
        }

        return count;
    }

    public readonly void ExpectEnd()
    {
        if (Remaining != 0)
        {
            throw new InvalidDataException($"{Remaining} unexpected trailing bytes");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)Remaining)
        {
            throw new InvalidDataException($"needs {count} bytes at {_position}, {Remaining} left");
        }

        var span = _source.Slice(_position, count);
        _position += count;
        return span;
    }
}
