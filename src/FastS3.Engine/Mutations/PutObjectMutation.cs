using FastS3.Common.Errors;
using System.Collections.Immutable;
using FastS3.Engine.Format;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.Mutations;

/// <summary>A PUT's commit: the key's new version is <paramref name="info"/> over <paramref name="extents"/>; the old version's extents die.</summary>
internal sealed class PutObjectMutation(string bucket, string key, ObjectInfo info, ImmutableArray<WalLocation> extents) : Mutation
{
    public override byte RecordType => EngineRecordType.PutObject;

    public override int IndexPagesNeeded => ObjectIndex.PagesToWrite(info, extents.Length);

    public override ImmutableArray<WalLocation> DataExtents => extents;

    public override S3ErrorCode RefusalAt(EngineState state, ObjectIndex objects) =>
        state.Bucket(bucket) is null ? S3ErrorCode.NoSuchBucket : S3ErrorCode.None;

    public static PutObjectMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var bucket = decoder.ReadString();
        var key = decoder.ReadString();
        var info = decoder.ReadObjectInfo();
        return new(bucket, key, info, decoder.ReadExtents());
    }

    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        var b = RequireBucket(state, bucket, lsn);
        var (space, added) = ReplaceObject(state.Space, objects, new ObjectEntry(bucket, key, info, extents, lsn, lsn), lsn);
        return state.WithBucket(b.WithObjectCount(added), space, lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteString(bucket);
        encoder.WriteString(key);
        encoder.WriteObjectInfo(info);
        encoder.WriteExtents(extents.AsSpan());
    }
}
