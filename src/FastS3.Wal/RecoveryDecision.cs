namespace FastS3.Wal;

/// <summary>One decision recovery took: which table row fired for which segment, where.</summary>
/// <param name="SegmentId">Segment the row applied to.</param>
/// <param name="Case">The row.</param>
/// <param name="Offset">Offset of the first byte not believed (truncation point), or 0.</param>
public readonly record struct RecoveryDecision(ulong SegmentId, RecoveryCase Case, int Offset);
