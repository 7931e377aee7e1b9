using FastS3.Wal.Format;

namespace FastS3.Wal;

/// <summary>What a recovery scan read from one segment, before any decision.</summary>
internal struct SegmentScan
{
    public PartState Header;
    public PartState Footer;
    public SegmentHeader HeaderFields;
    public SealFooter FooterFields;

    /// <summary>Why the chain walk stopped: Ok = clean end (zeros, or the sealed chain end).</summary>
    public WalRecordCheck ChainStop;

    /// <summary>The chain stopped at an LSN that did not rise.</summary>
    public bool LsnNotMonotonic;

    /// <summary>The chain stopped at a record of a WAL-internal type in the data area.</summary>
    public bool UnexpectedInternalType;

    /// <summary>A sealed segment's chain was not walked: its fields come from the footer, verified later by the scrubber.</summary>
    public bool ChainTrusted;

    /// <summary>Offset just past the last valid record.</summary>
    public int ChainEndOffset;

    public int RecordCount;
    public ulong FirstLsn;
    public ulong LastLsn;

    internal enum PartState
    {
        Zero,
        Valid,
        Invalid,
    }
}
