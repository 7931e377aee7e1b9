using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.State;
using FastS3.Storage;

namespace FastS3.Engine.Mutations;

internal sealed class CreateBucketMutation(string bucket, DateTimeOffset created) : Mutation
{
    public override byte RecordType => EngineRecordType.CreateBucket;

    public override S3ErrorCode RefusalAt(EngineState state, ObjectIndex objects) =>
        state.Bucket(bucket) is null ? S3ErrorCode.None : S3ErrorCode.BucketAlreadyOwnedByYou;

    public static CreateBucketMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var bucket = decoder.ReadString();
        return new(bucket, decoder.ReadTime());
    }

    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        if (state.Bucket(bucket) is not null)
        {
            Inconsistent(lsn, $"bucket '{bucket}' already exists");
        }

        return state.WithBucket(BucketState.Create(new BucketInfo(bucket, created), lsn), lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteString(bucket);
        encoder.WriteTime(created);
    }
}
