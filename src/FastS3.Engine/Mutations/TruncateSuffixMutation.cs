using FastS3.Engine.Format;
using FastS3.Engine.State;

namespace FastS3.Engine.Mutations;

/// <summary>
/// External LSN mode: the orchestrator dropped its entries above <paramref name="afterLsn"/> (a
/// Raft follower's conflicting tail). The compensation record of those entries: the pending ones
/// above it are undone (their bodies die, compaction reclaims them) and the next entry may reuse
/// their LSNs. Entries at or below the low-water mark are committed and cannot be truncated.
/// </summary>
internal sealed class TruncateSuffixMutation(ulong afterLsn) : Mutation
{
    public override byte RecordType => EngineRecordType.TruncateSuffix;

    public override bool IsClientWrite => false;

    public static TruncateSuffixMutation DecodeFields(ref BinaryDecoder decoder) => new(decoder.ReadUInt64());

    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        var ingest = state.Ingest;
        if (afterLsn < ingest.LowWaterMark)
        {
            Inconsistent(lsn, $"truncation after {afterLsn} is below the low-water mark {ingest.LowWaterMark}");
        }

        var space = state.Space;
        var kept = ingest.Pending.FindIndex(p => p.Lsn > afterLsn) is var first and >= 0 ? first : ingest.Pending.Count;
        foreach (var undone in ingest.Pending.Skip(kept))
        {
            space = space.Remove(undone.Entry.DataExtents);
        }

        var next = ingest with { LastLsn = Math.Min(ingest.LastLsn, afterLsn), Pending = ingest.Pending.RemoveRange(kept, ingest.Pending.Count - kept) };
        return state.WithIngest(next, space, lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder) => encoder.WriteUInt64(afterLsn);
}
