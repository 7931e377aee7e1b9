namespace FastS3.Engine;

/// <summary>What opening the store did to rebuild the index.</summary>
/// <param name="CheckpointAppliedLsn">LSN the loaded checkpoint covers (0: no checkpoint).</param>
/// <param name="RedoLsn">First LSN replayed.</param>
/// <param name="RecordsReplayed">Log records read after the checkpoint (data and commit).</param>
/// <param name="CommitRecordsApplied">Commit records applied to the index.</param>
/// <param name="BytesReplayed">Payload bytes read after the checkpoint.</param>
/// <param name="Elapsed">Wall time of checkpoint load plus replay.</param>
public sealed record EngineRecoveryReport(ulong CheckpointAppliedLsn, ulong RedoLsn, long RecordsReplayed, long CommitRecordsApplied, long BytesReplayed, TimeSpan Elapsed);
