using System.Collections.Immutable;
using FastS3.Engine.Format;
using FastS3.Engine.Mutations;
using FastS3.Engine.State;
using FastS3.Storage;

namespace FastS3.Engine.Checkpoints;

/// <summary>
/// An <see cref="EngineState"/> as checkpoint bytes (format 3): header, then buckets in name
/// order (each with its object and upload counts: both live in the tree), the live bytes per log
/// segment, the orchestrator's entries (external LSN mode: last LSN, low-water mark, and each
/// pending entry as its record would log it; absent in format 2), and the object tree's checkpoint record (its root, page count and free pages: the
/// objects themselves are in the tree's pages, flushed before this is written). The whole body is
/// covered by one CRC32C in the header; one durable replace switches the engine and the tree to
/// the new checkpoint together.
/// </summary>
internal static class CheckpointCodec
{
    public static byte[] Encode(EngineState state, ReadOnlySpan<byte> indexRecord, DateTimeOffset now)
    {
        var encoder = new BinaryEncoder(64 << 10);
        _ = encoder.Reserve(CheckpointHeader.Size); // filled by CheckpointHeader.WriteFor once the body is known
        encoder.WriteInt32(state.Buckets.Count);
        foreach (var bucket in state.Buckets.Values)
        {
            encoder.WriteString(bucket.Info.Name);
            encoder.WriteTime(bucket.Info.CreationDate);
            encoder.WriteUInt64(bucket.Generation);
            encoder.WriteInt64(bucket.ObjectCount);
            encoder.WriteInt64(bucket.UploadCount);
        }

        encoder.WriteInt32(state.Space.LiveBytes.Count);
        foreach (var (segmentId, live) in state.Space.LiveBytes)
        {
            encoder.WriteUInt64(segmentId);
            encoder.WriteInt64(live);
        }

        var ingest = state.Ingest;
        encoder.WriteUInt64(ingest.LastLsn);
        encoder.WriteUInt64(ingest.LowWaterMark);
        encoder.WriteInt32(ingest.Pending.Count);
        var entry = new BinaryEncoder();
        foreach (var pending in ingest.Pending)
        {
            entry.Reset();
            pending.Encode(entry);
            encoder.WriteBlob(entry.Written);
        }

        encoder.WriteBlob(indexRecord);
        var checkpoint = encoder.Written.ToArray();
        CheckpointHeader.WriteFor(checkpoint, state.AppliedLsn, now.ToUnixTimeMilliseconds());
        return checkpoint;
    }

    /// <summary>
    /// Decodes a checkpoint into the state it recorded (without a tree version: recovery opens the
    /// tree at the returned record). A checkpoint that fails its checks throws: it was replaced
    /// durably, so a bad one is media corruption and falling back to an empty index would lose
    /// every object silently.
    /// </summary>
    public static (EngineState State, byte[] IndexRecord, List<LegacyUpload> LegacyUploads) Decode(ReadOnlySpan<byte> bytes)
    {
        var problem = CheckpointHeader.TryReadWithBody(bytes, out var header);
        if (problem is not null)
        {
            throw new InvalidDataException($"checkpoint unreadable: {problem}");
        }

        var body = bytes[CheckpointHeader.Size..];
        var decoder = new BinaryDecoder(body);
        var buckets = ImmutableSortedDictionary.CreateBuilder<string, BucketState>(StringComparer.Ordinal);
        var legacy = new List<LegacyUpload>();
        var bucketCount = decoder.ReadCount(minBytesEach: 32);
        for (var b = 0; b < bucketCount; b++)
        {
            var name = decoder.ReadString();
            var created = decoder.ReadTime();
            var generation = decoder.ReadUInt64();
            var objectCount = decoder.ReadInt64();
            if (objectCount < 0)
            {
                throw new InvalidDataException($"checkpoint gives bucket '{name}' {objectCount} objects");
            }

            long uploadCount;
            if (header.FormatVersion >= 3)
            {
                uploadCount = decoder.ReadInt64();
            }
            else
            {
                // Format 2 kept uploads in progress here; they move into the tree at open.
                uploadCount = decoder.ReadCount(minBytesEach: 16);
                for (var u = 0; u < uploadCount; u++)
                {
                    var upload = decoder.ReadUpload();
                    var parts = new List<PartEntry>();
                    var partCount = decoder.ReadCount(minBytesEach: 16);
                    for (var p = 0; p < partCount; p++)
                    {
                        var part = decoder.ReadPartInfo();
                        parts.Add(new PartEntry(part, decoder.ReadExtents()));
                    }

                    legacy.Add(new LegacyUpload(name, upload, parts));
                }
            }

            if (uploadCount < 0)
            {
                throw new InvalidDataException($"checkpoint gives bucket '{name}' {uploadCount} uploads");
            }

            buckets.Add(name, new BucketState(new BucketInfo(name, created), generation, objectCount, uploadCount));
        }

        var segments = decoder.ReadCount(minBytesEach: 16);
        var live = new KeyValuePair<ulong, long>[segments];
        for (var i = 0; i < segments; i++)
        {
            live[i] = new(decoder.ReadUInt64(), decoder.ReadInt64());
            if (live[i].Value <= 0)
            {
                throw new InvalidDataException($"checkpoint gives segment {live[i].Key} {live[i].Value} live bytes");
            }
        }

        var ingest = header.FormatVersion >= 3 ? ReadIngest(ref decoder) : IngestState.None;
        var indexRecord = decoder.ReadBlob();
        decoder.ExpectEnd();
        return (new EngineState(buckets.ToImmutable(), SegmentSpace.From(live), header.AppliedLsn, null, ingest), indexRecord, legacy);
    }

    private static IngestState ReadIngest(ref BinaryDecoder decoder)
    {
        var lastLsn = decoder.ReadUInt64();
        var lowWaterMark = decoder.ReadUInt64();
        var count = decoder.ReadCount(minBytesEach: 16);
        var pending = ImmutableList.CreateBuilder<IngestedMutation>();
        for (var i = 0; i < count; i++)
        {
            var entry = (IngestedMutation)Mutation.Decode(EngineRecordType.Ingested, decoder.ReadBlob());
            if (entry.Lsn <= lowWaterMark || entry.Lsn > lastLsn || (pending.Count > 0 && entry.Lsn <= pending[^1].Lsn))
            {
                throw new InvalidDataException($"checkpoint lists pending entry {entry.Lsn} outside ({lowWaterMark}, {lastLsn}] or out of order");
            }

            pending.Add(entry);
        }

        return new IngestState(lastLsn, lowWaterMark, pending.ToImmutable());
    }
}

/// <summary>An upload in progress as a format-2 checkpoint kept it (in the checkpoint, not the tree); recovery moves it into the tree.</summary>
internal sealed record LegacyUpload(string Bucket, MultipartUpload Upload, IReadOnlyList<PartEntry> Parts);
