using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.State;
using FastS3.Storage;

namespace FastS3.Engine.Mutations;

internal sealed class CreateUploadMutation(string bucket, MultipartUpload upload) : Mutation
{
    public override byte RecordType => EngineRecordType.CreateUpload;

    public override S3ErrorCode RefusalAt(EngineState state, ObjectIndex objects) =>
        state.Bucket(bucket) is null ? S3ErrorCode.NoSuchBucket
        : objects.GetUpload(null, bucket, upload.UploadId) is not null ? S3ErrorCode.InvalidArgument // the orchestrator reused an upload id
        : S3ErrorCode.None;

    public static CreateUploadMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var bucket = decoder.ReadString();
        return new(bucket, decoder.ReadUpload());
    }

    public override int IndexPagesNeeded => ObjectIndex.PagesToWriteUpload(upload);

    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        var b = RequireBucket(state, bucket, lsn);
        if (objects.GetUpload(null, bucket, upload.UploadId) is not null)
        {
            Inconsistent(lsn, $"upload '{upload.UploadId}' already exists");
        }

        objects.PutUpload(bucket, upload, lsn);
        return state.WithBucket(b.WithUploadCount(1), lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteString(bucket);
        encoder.WriteUpload(upload);
    }
}
