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
/// <param name="Pending">Entries above the low-water mark, in LSN order, as their records logged them.</param>
internal sealed record IngestState(ulong LastLsn, ulong LowWaterMark, ImmutableList<IngestedMutation> Pending)
{
    public static readonly IngestState None = new(0, 0, []);

    public bool IsEmpty => LastLsn == 0 && LowWaterMark == 0 && Pending.IsEmpty;
}

