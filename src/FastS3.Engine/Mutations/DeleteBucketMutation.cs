using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.State;

namespace FastS3.Engine.Mutations;

internal sealed class DeleteBucketMutation(string bucket) : Mutation
{
    public override byte RecordType => EngineRecordType.DeleteBucket;

    public override S3ErrorCode RefusalAt(EngineState state, ObjectIndex objects) => state.Bucket(bucket) switch
    {
        null => S3ErrorCode.NoSuchBucket,
        { IsEmpty: false } => S3ErrorCode.BucketNotEmpty,
        _ => S3ErrorCode.None,
    };

    public static DeleteBucketMutation DecodeFields(ref BinaryDecoder decoder) => new(decoder.ReadString());

    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        if (!RequireBucket(state, bucket, lsn).IsEmpty)
        {
            Inconsistent(lsn, $"bucket '{bucket}' is not empty");
        }

        return state.WithoutBucket(bucket, lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder) => encoder.WriteString(bucket);
}
