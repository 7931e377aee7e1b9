namespace FastS3.Wal;

/// <summary>
/// A record or structure the log made durable does not read back: a bad record inside a sealed
/// segment, a missing segment in the middle, a corrupt footer. Never skipped: the erasure code or
/// the cold tier must repair the segment before the log opens.
/// </summary>
public sealed class WalCorruptionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WalCorruptionException(ulong segmentId, int offset, RecoveryCase recoveryCase, string detail)
        : base($"WAL corruption in segment {segmentId} at offset {offset}: {recoveryCase}: {detail}")
    {
        SegmentId = segmentId;
        Offset = offset;
        Case = recoveryCase;
    }

    /// <summary>Creates the exception (serialization-style constructor kept for analyzers).</summary>
    public WalCorruptionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public WalCorruptionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public WalCorruptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Segment that failed.</summary>
    public ulong SegmentId { get; }

    /// <summary>Byte offset inside the segment.</summary>
    public int Offset { get; }

    /// <summary>The decision-table row that fired.</summary>
    public RecoveryCase Case { get; }
}
