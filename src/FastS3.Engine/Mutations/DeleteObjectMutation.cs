using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.State;

namespace FastS3.Engine.Mutations;

internal sealed class DeleteObjectMutation(string bucket, string key) : Mutation
{
    public override byte RecordType => EngineRecordType.DeleteObject;

    public override int IndexPagesNeeded => ObjectIndex.PathPages; // a delete copies its path (and may merge)

    public override S3ErrorCode RefusalAt(EngineState state, ObjectIndex objects) =>
        state.Bucket(bucket) is null ? S3ErrorCode.NoSuchBucket
        : objects.GetForWrite(bucket, key) is null ? S3ErrorCode.NoSuchKey // nothing to delete: the entry changes nothing
        : S3ErrorCode.None;

    public static DeleteObjectMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var bucket = decoder.ReadString();
        return new(bucket, decoder.ReadString());
    }

    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        var b = RequireBucket(state, bucket, lsn);
        if (objects.GetForWrite(bucket, key) is not { } old)
        {
            return Inconsistent<EngineState>(lsn, $"key '{key}' does not exist (deletes of missing keys are not logged)");
        }

        objects.Delete(bucket, key, lsn);
        return state.WithBucket(b.WithObjectCount(-1), state.Space.Remove(old.Extents), lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteString(bucket);
        encoder.WriteString(key);
    }
}
