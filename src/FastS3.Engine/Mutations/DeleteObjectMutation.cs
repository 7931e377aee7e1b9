using FastS3.Engine.Format;
using FastS3.Engine.State;

namespace FastS3.Engine.Mutations;

internal sealed class DeleteObjectMutation(string bucket, string key) : Mutation
{
    public override byte RecordType => EngineRecordType.DeleteObject;

    public static DeleteObjectMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var bucket = decoder.ReadString();
        return new(bucket, decoder.ReadString());
    }

    public override EngineState Apply(EngineState state, ulong lsn, SegmentSpace space)
    {
        var b = RequireBucket(state, bucket, lsn);
        if (!b.TryGetObject(key, out var old))
        {
            return Inconsistent<EngineState>(lsn, $"key '{key}' does not exist (deletes of missing keys are not logged)");
        }

        space.Remove(old.Extents);
        return state.WithBucket(b.WithoutObject(key), lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteString(bucket);
        encoder.WriteString(key);
    }
}
