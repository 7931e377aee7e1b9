using System.Buffers.Binary;
using System.Text;

namespace FastS3.Engine.Format;

/// <summary>
/// Who a data record's bytes belong to, written at the front of every data record (WiscKey's
/// value-log entries carry their key for the same reason): compaction reads the records of a
/// victim segment and asks the index only about their owners, so a pass costs the victims'
/// records, not a scan of every object. Layout, after the WAL record header:
/// <code>
///   u8  format (1)
///   u16 length of the owner fields that follow
///   owner: bucket, key (strings), upload id (nullable string), part number (i32)
///   body bytes             (what an extent points at: the payload minus this header)
/// </code>
/// A part's records keep their owner after Complete: the completed object has the same key.
/// </summary>
/// <param name="UploadId">Null for an object's body; else the upload whose part <paramref name="PartNumber"/> this is.</param>
internal readonly record struct DataOwner(string Bucket, string Key, string? UploadId, int PartNumber)
{
    public const byte Format = 1;

    /// <summary>The largest header: bucket (63 bytes), a key of up to 1024 UTF-8 bytes (S3's limit; the index caps keys lower), an upload id, lengths.</summary>
    public const int MaxHeaderBytes = 4096;

    private const int PrefixBytes = 3;

    /// <summary>The header bytes for this owner (built once per writer).</summary>
    public byte[] EncodeHeader()
    {
        var encoder = new BinaryEncoder(PrefixBytes + 64 + Encoding.UTF8.GetByteCount(Key));
        encoder.WriteByte(Format);
        encoder.WriteUInt16(0); // patched below
        encoder.WriteString(Bucket);
        encoder.WriteString(Key);
        encoder.WriteNullableString(UploadId);
        encoder.WriteInt32(PartNumber);
        var header = encoder.Written.ToArray();
        if (header.Length > MaxHeaderBytes)
        {
            throw new ArgumentException($"a data record owner of {header.Length} bytes exceeds {MaxHeaderBytes}");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(1), (ushort)(header.Length - PrefixBytes));
        return header;
    }

    /// <summary>Reads the owner at the front of a data record's payload; <paramref name="headerBytes"/> is where the body starts.</summary>
    public static DataOwner Decode(ReadOnlySpan<byte> payload, out int headerBytes)
    {
        var decoder = new BinaryDecoder(payload);
        var format = decoder.ReadByte();
        if (format != Format)
        {
            throw new InvalidDataException($"data record owner format {format}, this build reads {Format}");
        }

        var length = decoder.ReadUInt16();
        headerBytes = PrefixBytes + length;
        if (headerBytes > payload.Length)
        {
            throw new InvalidDataException($"data record owner of {length} bytes in a payload of {payload.Length}");
        }

        var fields = new BinaryDecoder(payload[PrefixBytes..headerBytes]);
        var owner = new DataOwner(fields.ReadString(), fields.ReadString(), fields.ReadNullableString(), fields.ReadInt32());
        fields.ExpectEnd();
        return owner;
    }
}
