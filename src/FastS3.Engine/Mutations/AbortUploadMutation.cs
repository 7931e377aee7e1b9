using FastS3.Engine.Format;
using FastS3.Engine.State;

namespace FastS3.Engine.Mutations;

internal sealed class AbortUploadMutation(string bucket, string uploadId) : Mutation
{
    public override byte RecordType => EngineRecordType.AbortUpload;

    public static AbortUploadMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var bucket = decoder.ReadString();
        return new(bucket, decoder.ReadString());
    }

    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        var b = RequireBucket(state, bucket, lsn);
        var space = state.Space;
        foreach (var part in RequireUpload(b, uploadId, lsn).Parts.Values)
        {
            space = space.Remove(part.Extents);
        }

        return state.WithBucket(b.WithoutUpload(uploadId), space, lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteString(bucket);
        encoder.WriteString(uploadId);
    }
}
