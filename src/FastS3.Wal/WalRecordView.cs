namespace FastS3.Wal;

/// <summary>One record seen by replay; <see cref="Payload"/> points into the mapping and is valid until the next MoveNext.</summary>
public readonly ref struct WalRecordView
{
    internal WalRecordView(ulong lsn, byte type, ushort flags, WalLocation location, ReadOnlySpan<byte> payload)
    {
        Lsn = lsn;
        Type = type;
        Flags = flags;
        Location = location;
        Payload = payload;
    }

    /// <summary>LSN.</summary>
    public ulong Lsn { get; }

    /// <summary>Engine record type.</summary>
    public byte Type { get; }

    /// <summary>Flags given at append.</summary>
    public ushort Flags { get; }

    /// <summary>Payload location (usable as an extent).</summary>
    public WalLocation Location { get; }

    /// <summary>Payload bytes.</summary>
    public ReadOnlySpan<byte> Payload { get; }
}
