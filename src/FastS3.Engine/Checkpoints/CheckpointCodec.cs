using System.Collections.Immutable;
using FastS3.Engine.Format;
using FastS3.Engine.State;
using FastS3.Storage;

namespace FastS3.Engine.Checkpoints;

/// <summary>
/// An <see cref="EngineState"/> as checkpoint bytes: header, then buckets in name order, each with
/// its objects in key order and its uploads with their parts. The whole body is covered by one
/// CRC32C in the header.
/// </summary>
internal static class CheckpointCodec
{
    public static byte[] Encode(EngineState state, DateTimeOffset now)
    {
        var encoder = new BinaryEncoder(64 << 10);
        _ = encoder.Reserve(CheckpointHeader.Size); // filled by CheckpointHeader.WriteFor once the body is known
        encoder.WriteInt32(state.Buckets.Count);
        foreach (var bucket in state.Buckets.Values)
        {
            encoder.WriteString(bucket.Info.Name);
            encoder.WriteTime(bucket.Info.CreationDate);
            encoder.WriteUInt64(bucket.Generation);
            encoder.WriteInt32(bucket.Objects.Count);
            foreach (var entry in bucket.Objects)
            {
                encoder.WriteString(entry.Key);
                encoder.WriteObjectInfo(entry.Info);
                encoder.WriteExtents(entry.Extents.AsSpan());
            }

            encoder.WriteInt32(bucket.Uploads.Count);
            foreach (var upload in bucket.Uploads.Values)
            {
                encoder.WriteUpload(upload.Upload);
                encoder.WriteInt32(upload.Parts.Count);
                foreach (var part in upload.Parts.Values)
                {
                    encoder.WritePartInfo(part.Info);
                    encoder.WriteExtents(part.Extents.AsSpan());
                }
            }
        }

        var checkpoint = encoder.Written.ToArray();
        CheckpointHeader.WriteFor(checkpoint, state.AppliedLsn, now.ToUnixTimeMilliseconds());
        return checkpoint;
    }

    /// <summary>
    /// Decodes a checkpoint. A checkpoint that fails its checks throws: it was replaced durably,
    /// so a bad one is media corruption and falling back to an empty index would lose every
    /// object silently.
    /// </summary>
    public static EngineState Decode(ReadOnlySpan<byte> bytes)
    {
        var problem = CheckpointHeader.TryReadWithBody(bytes, out var header);
        if (problem is not null)
        {
            throw new InvalidDataException($"checkpoint unreadable: {problem}");
        }

        var body = bytes[CheckpointHeader.Size..];
        var decoder = new BinaryDecoder(body);
        var buckets = ImmutableSortedDictionary.CreateBuilder<string, BucketState>(StringComparer.Ordinal);
        var bucketCount = decoder.ReadCount(minBytesEach: 24);
        for (var b = 0; b < bucketCount; b++)
        {
            var name = decoder.ReadString();
            var created = decoder.ReadTime();
            var generation = decoder.ReadUInt64();
            var objects = ImmutableSortedSet.CreateBuilder(ObjectEntryComparer.Instance);
            var objectCount = decoder.ReadCount(minBytesEach: 16);
            for (var i = 0; i < objectCount; i++)
            {
                var key = decoder.ReadString();
                var info = decoder.ReadObjectInfo();
                objects.Add(new ObjectEntry(key, info, decoder.ReadExtents()));
            }

            var uploads = ImmutableSortedDictionary.CreateBuilder<string, UploadState>(StringComparer.Ordinal);
            var uploadCount = decoder.ReadCount(minBytesEach: 16);
            for (var u = 0; u < uploadCount; u++)
            {
                var upload = decoder.ReadUpload();
                var parts = ImmutableSortedDictionary.CreateBuilder<int, PartEntry>();
                var partCount = decoder.ReadCount(minBytesEach: 16);
                for (var p = 0; p < partCount; p++)
                {
                    var part = decoder.ReadPartInfo();
                    parts.Add(part.PartNumber, new PartEntry(part, decoder.ReadExtents()));
                }

                uploads.Add(upload.UploadId, new UploadState(upload, parts.ToImmutable()));
            }

            buckets.Add(name, new BucketState(new BucketInfo(name, created), generation, objects.ToImmutable(), uploads.ToImmutable()));
        }

        decoder.ExpectEnd();
        return new EngineState(buckets.ToImmutable(), header.AppliedLsn);
    }
}
