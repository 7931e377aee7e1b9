using System.Collections.Immutable;
using FastS3.Engine.Format;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.Mutations;

/// <summary>
/// CompleteMultipartUpload: one record stitches the listed parts' extents into the object (no
/// byte is copied); the upload ends, unlisted parts and the key's old version die.
/// </summary>
internal sealed class CompleteUploadMutation(string bucket, string key, string uploadId, ObjectInfo info, ImmutableArray<WalLocation> extents) : Mutation
{
    public override byte RecordType => EngineRecordType.CompleteUpload;

    public override int IndexPagesNeededAt(ObjectIndex objects) => ObjectIndex.PagesToWrite(info, extents.Length) + ObjectIndex.PagesToEndUpload(objects.CountPartsForWrite(bucket, uploadId));

    public static CompleteUploadMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var bucket = decoder.ReadString();
        var key = decoder.ReadString();
        var uploadId = decoder.ReadString();
        var info = decoder.ReadObjectInfo();
        return new(bucket, key, uploadId, info, decoder.ReadExtents());
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

        (space, var added) = ReplaceObject(space, objects, new ObjectEntry(bucket, key, info, extents, lsn, lsn), lsn);
        return state.WithBucket(b.WithUploadCount(-1).WithObjectCount(added), space, lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteString(bucket);
        encoder.WriteString(key);
        encoder.WriteString(uploadId);
        encoder.WriteObjectInfo(info);
        encoder.WriteExtents(extents.AsSpan());
    }
}
