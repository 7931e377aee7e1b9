using System.Collections.Immutable;
using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.Mutations;

/// <summary>
/// External LSN mode: an orchestrator's CompleteMultipartUpload. The entry names the parts by
/// number and ETag (the log locations of their bytes differ from replica to replica); when the
/// low-water mark reaches it, the parts are looked up in the index and stitched as a client's
/// Complete does (<see cref="CompleteUploadMutation"/>: no byte copied). A listed part that is
/// missing or has another ETag skips the entry, and the upload stays.
/// </summary>
internal sealed class CompleteUploadPartsMutation(string bucket, string key, string uploadId, ImmutableArray<CompletedPart> parts, ObjectInfo info) : Mutation
{
    public override byte RecordType => EngineRecordType.CompleteUploadParts;

    public override bool IsClientWrite => false;

    public static CompleteUploadPartsMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var bucket = decoder.ReadString();
        var key = decoder.ReadString();
        var uploadId = decoder.ReadString();
        var info = decoder.ReadObjectInfo();
        var count = decoder.ReadCount(minBytesEach: 5);
        var parts = ImmutableArray.CreateBuilder<CompletedPart>(count);
        for (var i = 0; i < count; i++)
        {
            var number = decoder.ReadInt32();
            parts.Add(new CompletedPart(number, decoder.ReadString()));
        }

        return new(bucket, key, uploadId, parts.MoveToImmutable(), info);
    }

    /// <summary>
    /// From the parts the write state has; a listed part not there yet (its entry applies earlier in
    /// the same batch) is counted as 64 extents, a 64 MiB part of 1 MiB chunks.
    /// </summary>
    public override int IndexPagesNeededAt(ObjectIndex objects)
    {
        var stored = objects.GetParts(null, bucket, uploadId).ToDictionary(p => p.Info.PartNumber);
        var extents = parts.Sum(p => stored.TryGetValue(p.PartNumber, out var entry) ? entry.Extents.Length : 64);
        var ending = stored.Count + parts.Count(p => !stored.ContainsKey(p.PartNumber));
        return ObjectIndex.PagesToWrite(info, extents) + ObjectIndex.PagesToEndUpload(ending);
    }

    /// <summary>Resolves the listed parts once: the refusal, or the stitch.</summary>
    public override EngineState ApplyEntry(EngineState state, ulong lsn, ObjectIndex objects, out S3ErrorCode refusal)
    {
        refusal = state.Bucket(bucket) is null ? S3ErrorCode.NoSuchBucket
            : objects.GetUpload(null, bucket, uploadId) is not { } upload || upload.Key != key ? S3ErrorCode.NoSuchUpload
            : S3ErrorCode.None;
        if (refusal != S3ErrorCode.None)
        {
            return state;
        }

        (refusal, var extents, var length) = Resolve(objects);
        return refusal != S3ErrorCode.None
            ? state
            : new CompleteUploadMutation(bucket, key, uploadId, info with { Size = length }, extents).Apply(state, lsn, objects);
    }

    /// <summary>Never logged on its own (only inside an entry), so only a corrupt log gets here.</summary>
    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        var next = ApplyEntry(state, lsn, objects, out var refusal);
        return refusal == S3ErrorCode.None ? next : Inconsistent<EngineState>(lsn, $"the Complete of upload '{uploadId}' does not resolve: {refusal}");
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteString(bucket);
        encoder.WriteString(key);
        encoder.WriteString(uploadId);
        encoder.WriteObjectInfo(info);
        encoder.WriteInt32(parts.Length);
        foreach (var part in parts)
        {
            encoder.WriteInt32(part.PartNumber);
            encoder.WriteString(part.ETag);
        }
    }

    /// <summary>The listed parts' extents in order, from the write state; InvalidPart or InvalidPartOrder when the list does not fit it.</summary>
    private (S3ErrorCode Error, ImmutableArray<WalLocation> Extents, long Length) Resolve(ObjectIndex objects)
    {
        var stored = objects.GetParts(null, bucket, uploadId).ToDictionary(p => p.Info.PartNumber);
        var extents = ImmutableArray.CreateBuilder<WalLocation>();
        long length = 0;
        var previous = 0;
        foreach (var part in parts)
        {
            if (part.PartNumber <= previous)
            {
                return (S3ErrorCode.InvalidPartOrder, default, 0);
            }

            if (!stored.TryGetValue(part.PartNumber, out var entry) || !ETags.Match(part.ETag, entry.Info.ETag))
            {
                return (S3ErrorCode.InvalidPart, default, 0);
            }

            previous = part.PartNumber;
            extents.AddRange(entry.Extents);
            length += BodyChunker.Sum(entry.Extents);
        }

        return parts.IsEmpty ? (S3ErrorCode.InvalidPart, default, 0) : (S3ErrorCode.None, extents.DrainToImmutable(), length);
    }
}
