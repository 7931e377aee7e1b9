namespace FastS3.Wal;

/// <summary>A sealed segment: immutable from now on, all its records durable and at or below the LWM.</summary>
/// <param name="SegmentId">Segment id.</param>
/// <param name="FirstLsn">First data record's LSN (0 when the segment holds none).</param>
/// <param name="LastLsn">Last data record's LSN.</param>
/// <param name="RecordCount">Data records in the segment.</param>
/// <param name="SizeBytes">File size.</param>
public readonly record struct SealedSegmentInfo(ulong SegmentId, ulong FirstLsn, ulong LastLsn, int RecordCount, int SizeBytes);
