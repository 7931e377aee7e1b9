using FastS3.Segments;

namespace FastS3.Server;

/// <summary>What <c>GET /_health</c> reports about the erasure-coded store.</summary>
/// <param name="Degraded">Some data directory is missing, unreadable or still being rebuilt: reads are served from parity.</param>
/// <param name="UnavailableDirectories">Indexes of the directories that are down.</param>
/// <param name="Rebuild">The latest directory rebuild progress, if one ran.</param>
/// <param name="SegmentsHealed">Segments whose damaged shards were rewritten since start.</param>
/// <param name="BytesWritten">Shard bytes rewritten since start.</param>
/// <param name="PendingDamage">Damaged shards waiting for the healer plus segments it is healing now.</param>
/// <param name="StartupRepairDone">Rebuilds and the missing-file scan at start have finished.</param>
public sealed record ErasureHealth(
    bool Degraded, IReadOnlyList<int> UnavailableDirectories, RebuildProgress? Rebuild, long SegmentsHealed, long BytesWritten, int PendingDamage, bool StartupRepairDone)
{
    /// <summary>A directory rebuild is running.</summary>
    public bool Rebuilding { get; init; }
}
