using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.State;

namespace FastS3.Engine.Mutations;

internal sealed class AbortUploadMutation(string bucket, string uploadId) : Mutation
{
    public override byte RecordType => EngineRecordType.AbortUpload;

    public override int IndexPagesNeededAt(ObjectIndex objects) => ObjectIndex.PagesToEndUpload(objects.CountPartsForWrite(bucket, uploadId));

    public override S3ErrorCode RefusalAt(EngineState state, ObjectIndex objects) =>
        state.Bucket(bucket) is null ? S3ErrorCode.NoSuchBucket
        : objects.GetUpload(null, bucket, uploadId) is null ? S3ErrorCode.NoSuchUpload
        : S3ErrorCode.None;

    public static AbortUploadMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var bucket = decoder.ReadString();
        return new(bucket, decoder.ReadString());
    }

    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        var b = RequireBucket(state, bucket, lsn);
        RequireUpload(objects, bucket, uploadId, lsn);
        var space = state.Space;
        foreach (var part in objects.DeleteUpload(bucket, uploadId, lsn))
        {
            space = space.Remove(part.Extents);
        }

        return state.WithBucket(b.WithUploadCount(-1), space, lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteString(bucket);
        encoder.WriteString(uploadId);
    }
}
