using FastS3.Engine.Format;
using FastS3.Engine.State;

namespace FastS3.Engine.Mutations;

/// <summary>
/// External LSN mode: the orchestrator's entry at <paramref name="lsn"/> is in the log. It waits,
/// its body's extents live, until a <see cref="LowWaterMarkMutation"/> applies it or a
/// <see cref="TruncateSuffixMutation"/> drops it.
/// </summary>
/// <param name="lsn">The orchestrator's LSN, above every entry before it.</param>
/// <param name="floorLsn">Every log record of the entry has a log LSN above this (the log's low-water mark stays at or below it while the entry waits).</param>
/// <param name="entry">What the entry does once committed: one of the changes <see cref="IsIngestible"/> accepts.</param>
internal sealed class IngestedMutation(ulong lsn, ulong floorLsn, Mutation entry) : Mutation
{
    public override byte RecordType => EngineRecordType.Ingested;

    public override bool IsClientWrite => false;

    /// <summary>The orchestrator's LSN.</summary>
    public ulong Lsn => lsn;

    /// <summary>Every log record of the entry has a log LSN above this.</summary>
    public ulong FloorLsn => floorLsn;

    /// <summary>What the entry does once committed.</summary>
    public Mutation Entry => entry;

    /// <summary>The changes an orchestrator may send: buckets, objects, and multipart uploads (a Complete names its parts).</summary>
    public static bool IsIngestible(byte type) => type is EngineRecordType.CreateBucket or EngineRecordType.DeleteBucket
        or EngineRecordType.PutObject or EngineRecordType.DeleteObject
        or EngineRecordType.CreateUpload or EngineRecordType.PutPart or EngineRecordType.CompleteUploadParts or EngineRecordType.AbortUpload;

    public static IngestedMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var lsn = decoder.ReadUInt64();
        var floor = decoder.ReadUInt64();
        var type = decoder.ReadByte();
        if (!IsIngestible(type))
        {
            throw new InvalidDataException($"orchestrator entry {lsn} holds record type {type}, which is not an entry");
        }

        return new(lsn, floor, Decode(type, decoder.ReadBlob()));
    }

    public override EngineState Apply(EngineState state, ulong recordLsn, ObjectIndex objects)
    {
        var ingest = state.Ingest;
        if (lsn <= ingest.LastLsn)
        {
            Inconsistent(recordLsn, $"orchestrator LSN {lsn} is not above the last one, {ingest.LastLsn}");
        }

        var pending = ingest.Pending.Add(this); // waits as logged
        return state.WithIngest(ingest with { LastLsn = lsn, Pending = pending }, state.Space.Add(entry.DataExtents), recordLsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteUInt64(lsn);
        encoder.WriteUInt64(floorLsn);
        encoder.WriteByte(entry.RecordType);
        var inner = new BinaryEncoder();
        entry.Encode(inner);
        encoder.WriteBlob(inner.Written);
    }
}
