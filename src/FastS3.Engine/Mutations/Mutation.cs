using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.Mutations;

/// <summary>
/// One commit record: how it is encoded into the log and how it changes the index. The write path
/// and recovery share <see cref="Apply"/>, so a replayed log rebuilds exactly the index that
/// served requests. Preconditions (conditional writes, BucketNotEmpty) are checked by the write
/// path before the record exists; <see cref="Apply"/> only asserts what the log must already
/// guarantee and throws <see cref="InvalidDataException"/> if a replayed log contradicts it.
/// </summary>
internal abstract class Mutation
{
    public abstract byte RecordType { get; }

    /// <summary>Index pages applying this may allocate at most (reserved before the record is logged; 0: it does not touch the object tree).</summary>
    public virtual int IndexPagesNeeded => 0;

    /// <summary>A change a client asks for (refused in external LSN mode, where only the orchestrator's entries change objects).</summary>
    public virtual bool IsClientWrite => true;

    /// <summary>Body extents this change makes live (an orchestrator entry's data is live while it waits).</summary>
    public virtual ImmutableArray<WalLocation> DataExtents => [];

    public static bool IsCommitRecord(byte type) => type is >= EngineRecordType.CreateBucket and <= EngineRecordType.CompleteUploadParts;

    /// <summary>
    /// Index pages applying this to the write state of <paramref name="objects"/> may allocate, as
    /// the write path reserves them under the commit lock (a change whose size depends on the
    /// state, such as ending an upload, looks it up).
    /// </summary>
    public virtual int IndexPagesNeededAt(ObjectIndex objects) => IndexPagesNeeded;

    /// <summary>
    /// For an orchestrator entry reaching the low-water mark: why it cannot apply to
    /// <paramref name="state"/> (it is then skipped, on every replica alike), or
    /// <see cref="S3ErrorCode.None"/>. Only the changes an orchestrator may send override this.
    /// </summary>
    public virtual S3ErrorCode RefusalAt(EngineState state, ObjectIndex objects) => S3ErrorCode.NotImplemented;

    /// <summary>
    /// An orchestrator entry reaching the low-water mark: applied, or <paramref name="state"/>
    /// unchanged with <paramref name="refusal"/> saying why not (see <see cref="RefusalAt"/>).
    /// </summary>
    public virtual EngineState ApplyEntry(EngineState state, ulong lsn, ObjectIndex objects, out S3ErrorCode refusal)
    {
        refusal = RefusalAt(state, objects);
        return refusal == S3ErrorCode.None ? Apply(state, lsn, objects) : state;
    }

    /// <summary>Writes the record payload: format version first, then the mutation's fields.</summary>
    public void Encode(BinaryEncoder encoder)
    {
        encoder.WriteByte(EngineRecordType.FormatVersion);
        EncodeFields(encoder);
    }

    /// <summary>
    /// Applies the commit to <paramref name="state"/> and, for object changes, to the write state
    /// of <paramref name="objects"/>; returns the next state (its tree version not yet sealed).
    /// </summary>
    public abstract EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects);

    public static Mutation Decode(byte type, ReadOnlySpan<byte> payload)
    {
        var decoder = new BinaryDecoder(payload);
        var version = decoder.ReadByte();
        if (version != EngineRecordType.FormatVersion)
        {
            throw new InvalidDataException($"commit record type {type} has format version {version}, this build reads {EngineRecordType.FormatVersion}");
        }

        Mutation mutation = type switch
        {
            EngineRecordType.CreateBucket => CreateBucketMutation.DecodeFields(ref decoder),
            EngineRecordType.DeleteBucket => DeleteBucketMutation.DecodeFields(ref decoder),
            EngineRecordType.PutObject => PutObjectMutation.DecodeFields(ref decoder),
            EngineRecordType.DeleteObject => DeleteObjectMutation.DecodeFields(ref decoder),
            EngineRecordType.CreateUpload => CreateUploadMutation.DecodeFields(ref decoder),
            EngineRecordType.PutPart => PutPartMutation.DecodeFields(ref decoder),
            EngineRecordType.CompleteUpload => CompleteUploadMutation.DecodeFields(ref decoder),
            EngineRecordType.AbortUpload => AbortUploadMutation.DecodeFields(ref decoder),
            EngineRecordType.RelocateExtents => RelocateExtentsMutation.DecodeFields(ref decoder),
            EngineRecordType.Ingested => IngestedMutation.DecodeFields(ref decoder),
            EngineRecordType.LowWaterMark => LowWaterMarkMutation.DecodeFields(ref decoder),
            EngineRecordType.TruncateSuffix => TruncateSuffixMutation.DecodeFields(ref decoder),
            EngineRecordType.CompleteUploadParts => CompleteUploadPartsMutation.DecodeFields(ref decoder),
            _ => throw new InvalidDataException($"unknown commit record type {type}"),
        };
        decoder.ExpectEnd();
        return mutation;
    }

    protected abstract void EncodeFields(BinaryEncoder encoder);

    /// <summary>
    /// Writes <paramref name="entry"/> as its key's version: the old version's extents die, the
    /// new ones live. Returns the space after and 1 if the key is new (0 if it replaced one).
    /// </summary>
    protected static (SegmentSpace Space, int Added) ReplaceObject(SegmentSpace space, ObjectIndex objects, ObjectEntry entry, ulong lsn)
    {
        if (objects.GetForWrite(entry.Bucket, entry.Key) is { } old)
        {
            space = space.Remove(old.Extents);
        }

        var inserted = objects.Put(entry, lsn);
        return (space.Add(entry.Extents), inserted ? 1 : 0);
    }

    protected static BucketState RequireBucket(EngineState state, string bucket, ulong lsn) =>
        state.Bucket(bucket) ?? Inconsistent(lsn, $"bucket '{bucket}' does not exist");

    protected static MultipartUpload RequireUpload(ObjectIndex objects, string bucket, string uploadId, ulong lsn) =>
        objects.GetUpload(null, bucket, uploadId) ?? Inconsistent<MultipartUpload>(lsn, $"upload '{uploadId}' does not exist");

    [DoesNotReturn]
    protected static BucketState Inconsistent(ulong lsn, string what) => Inconsistent<BucketState>(lsn, what);

    [DoesNotReturn]
    protected static T Inconsistent<T>(ulong lsn, string what) =>
        throw new InvalidDataException($"commit record at LSN {lsn} does not apply: {what}");
}
