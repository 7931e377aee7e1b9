using FastS3.Common.Errors;
using System.Collections.Immutable;
using FastS3.Engine.Format;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.Mutations;

/// <summary>A part's commit; it replaces an earlier part with the same number, whose extents die.</summary>
internal sealed class PutPartMutation(string bucket, string uploadId, PartInfo part, ImmutableArray<WalLocation> extents) : Mutation
{
    public override byte RecordType => EngineRecordType.PutPart;

    public override ImmutableArray<WalLocation> DataExtents => extents;

    public override S3ErrorCode RefusalAt(EngineState state, ObjectIndex objects) =>
        state.Bucket(bucket) is null ? S3ErrorCode.NoSuchBucket
        : objects.GetUpload(null, bucket, uploadId) is null ? S3ErrorCode.NoSuchUpload
        : S3ErrorCode.None;

    public static PutPartMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var bucket = decoder.ReadString();
        var uploadId = decoder.ReadString();
        var part = decoder.ReadPartInfo();
        return new(bucket, uploadId, part, decoder.ReadExtents());
    }

    public override int IndexPagesNeeded => ObjectIndex.PagesToWritePart(extents.Length);

    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        var b = RequireBucket(state, bucket, lsn);
        RequireUpload(objects, bucket, uploadId, lsn);
        var space = state.Space;
        if (objects.GetPart(null, bucket, uploadId, part.PartNumber) is { } old)
        {
            space = space.Remove(old.Extents);
        }

        objects.PutPart(bucket, uploadId, new PartEntry(part, extents), lsn);
        return state.WithBucket(b, space.Add(extents), lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteString(bucket);
        encoder.WriteString(uploadId);
        encoder.WritePartInfo(part);
        encoder.WriteExtents(extents.AsSpan());
    }
}
