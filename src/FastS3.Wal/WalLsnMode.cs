namespace FastS3.Wal;

/// <summary>Who assigns LSNs.</summary>
public enum WalLsnMode
{
    /// <summary>The log's sequencer: dense, starting after the last recovered LSN (1 for a new log).</summary>
    Standalone,

    /// <summary>The caller (orchestrator): strictly increasing, gaps allowed (timestamps, Raft indexes).</summary>
    External,
}
