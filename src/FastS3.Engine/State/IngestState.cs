using System.Collections.Immutable;
using FastS3.Engine.Mutations;

namespace FastS3.Engine.State;

/// <summary>
/// External LSN mode: what the orchestrator has sent. Entries it has not committed yet
/// (<see cref="Pending"/>, LSN above <see cref="LowWaterMark"/>) are durable in the log but kept
/// out of the index: they are applied, in LSN order, when the low-water mark passes them, and
/// dropped when the orchestrator truncates them. Nothing uncommitted ever touches the tree, so
/// undoing a truncated suffix never has to take a change back out of it.
/// </summary>
/// <param name="LastLsn">The newest entry LSN accepted (0: none); the next must be above it.</param>
/// <param name="LowWaterMark">The orchestrator's low-water mark: every entry at or below it is applied.</param>
/// <param name="Pending">Entries above the low-water mark, in LSN order.</param>
internal sealed record IngestState(ulong LastLsn, ulong LowWaterMark, ImmutableList<PendingEntry> Pending)
{
    public static readonly IngestState None = new(0, 0, []);

    public bool IsEmpty => LastLsn == 0 && LowWaterMark == 0 && Pending.IsEmpty;
}

/// <summary>An orchestrator entry waiting for the low-water mark.</summary>
/// <param name="Lsn">The orchestrator's LSN.</param>
/// <param name="FloorLsn">Every log record of the entry (body data and its entry record) has a log LSN above this.</param>
/// <param name="Mutation">What the entry does once committed.</param>
internal sealed record PendingEntry(ulong Lsn, ulong FloorLsn, Mutation Mutation);
