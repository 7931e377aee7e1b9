namespace FastS3.Wal;

/// <summary>
/// Zero-copy access to one payload in a segment mapping. While the lease is held, the segment
/// cannot be released or unmapped; <see cref="Payload"/> is valid until <see cref="Dispose"/>.
/// Hold it for the duration of one copy or send, not across awaits of unbounded length.
/// </summary>
public ref struct WalReadLease
{
    private Segment? _segment;

    internal WalReadLease(WalStatus status, Segment? segment, ReadOnlySpan<byte> payload)
    {
        Status = status;
        _segment = segment;
        Payload = payload;
    }

    /// <summary>Ok, or <see cref="WalStatus.NotFound"/> (no such live segment or range).</summary>
    public WalStatus Status { get; }

    /// <summary>The payload bytes, straight from the mapping.</summary>
    public ReadOnlySpan<byte> Payload { get; private set; }

    /// <summary>Releases the segment.</summary>
    public void Dispose()
    {
        Payload = default;
        _segment?.ReleaseLease();
        _segment = null;
    }
}
