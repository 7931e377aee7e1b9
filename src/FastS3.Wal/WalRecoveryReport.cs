namespace FastS3.Wal;

/// <summary>What recovery found and did when the log opened.</summary>
public sealed class WalRecoveryReport
{
    internal WalRecoveryReport()
    {
    }

    /// <summary>Decisions in segment order (the tail's row last, then discarded segments).</summary>
    public IReadOnlyList<RecoveryDecision> Decisions => DecisionList;

    /// <summary>The decision for the tail segment (the row that determines where the log ends).</summary>
    public RecoveryCase TailCase { get; internal set; } = RecoveryCase.EmptyLog;

    /// <summary>Data records found.</summary>
    public long RecordsRecovered { get; internal set; }

    /// <summary>Record-chain bytes validated.</summary>
    public long BytesScanned { get; internal set; }

    /// <summary>LSN of the last recovered record (0: none).</summary>
    public ulong LastLsn { get; internal set; }

    /// <summary>Wall time of recovery.</summary>
    public TimeSpan Elapsed { get; internal set; }

    internal List<RecoveryDecision> DecisionList { get; } = [];
}
