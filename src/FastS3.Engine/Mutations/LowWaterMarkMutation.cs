using FastS3.Common.Errors;
using FastS3.Engine.Format;
using FastS3.Engine.State;

namespace FastS3.Engine.Mutations;

/// <summary>
/// External LSN mode: the orchestrator's low-water mark moved to <paramref name="lowWaterMark"/>.
/// Every pending entry at or below it applies, in LSN order, at this record's LSN (so they become
/// visible together, once this record is durable); an entry that no longer fits the state (a PUT
/// into a bucket deleted before it) is skipped on every replica alike, and its body dies.
/// </summary>
/// <param name="indexPages">Write path only: the index pages the entries it applies may need.</param>
internal sealed class LowWaterMarkMutation(ulong lowWaterMark, int indexPages = 0) : Mutation
{
    private readonly List<IngestRefusal> _refused = [];

    public override byte RecordType => EngineRecordType.LowWaterMark;

    public override bool IsClientWrite => false;

    public override int IndexPagesNeeded => indexPages;

    /// <summary>After <see cref="Apply"/>: the entries that applied.</summary>
    public int Applied { get; private set; }

    /// <summary>After <see cref="Apply"/>: the entries skipped, with why.</summary>
    public IReadOnlyList<IngestRefusal> Refused => _refused;

    public static LowWaterMarkMutation DecodeFields(ref BinaryDecoder decoder) => new(decoder.ReadUInt64());

    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        var ingest = state.Ingest;
        if (lowWaterMark < ingest.LowWaterMark || lowWaterMark > ingest.LastLsn)
        {
            Inconsistent(lsn, $"low-water mark {lowWaterMark} is outside [{ingest.LowWaterMark}, {ingest.LastLsn}]");
        }

        var committed = 0;
        foreach (var pending in ingest.Pending)
        {
            if (pending.Lsn > lowWaterMark)
            {
                break;
            }

            committed++;
            var entry = pending.Entry;
            state = state.WithIngest(state.Ingest, state.Space.Remove(entry.DataExtents), lsn); // the entry's own apply counts its extents again
            state = entry.ApplyEntry(state, lsn, objects, out var refusal);
            if (refusal == S3ErrorCode.None)
            {
                Applied++;
            }
            else
            {
                _refused.Add(new IngestRefusal(pending.Lsn, refusal));
            }
        }

        return state.WithIngest(ingest with { LowWaterMark = lowWaterMark, Pending = ingest.Pending.RemoveRange(0, committed) }, state.Space, lsn);
    }

    protected override void EncodeFields(BinaryEncoder encoder) => encoder.WriteUInt64(lowWaterMark);
}
