using System.Diagnostics;
using FastS3.Wal.Device;
using FastS3.Wal.Format;

namespace FastS3.Wal;

/// <summary>
/// In-memory state of one segment. The append path touches only <see cref="Reservation"/>: one
/// 64-bit word packing [bit 63 sealed][bits 32..62 records reserved][bits 0..31 next free offset],
/// so claiming space and an in-segment index (hence the standalone LSN) is one compare-and-swap.
/// </summary>
internal sealed class Segment
{
    public const long SealedBit = long.MinValue;
    public const long CountUnit = 1L << 32;

    // Packed reservation word; see the type comment. Mutated only by CAS (appenders, roller) or
    // while appends are quiesced (recovery, truncation).
    public long Reservation;

    private readonly IWalSegmentFile? _file;
    private int _flushedOffset;
    private bool _isSealDurable;
    private int _leases = 1; // the log's own reference; readers add one each

    public Segment(IWalSegmentFile file, ulong previousLsn, long baseOrdinal)
    {
        _file = file;
        Id = file.SegmentId;
        SizeBytes = file.SizeBytes;
        FooterOffset = SizeBytes - SealFooter.RecordSizeBytes;
        PreviousLsn = previousLsn;
        BaseOrdinal = baseOrdinal;
        Reservation = SegmentHeader.RecordSizeBytes;
    }

    // An offloaded segment: sealed, announced, its bytes held by the sealed-segment reader. It
    // keeps its place in the table (ids stay consecutive) but has no file or mapping.
    private Segment(in OffloadEntry entry)
    {
        Id = entry.SegmentId;
        SizeBytes = entry.SizeBytes;
        FooterOffset = SizeBytes - SealFooter.RecordSizeBytes;
        PreviousLsn = entry.PreviousLsn;
        FirstLsn = entry.FirstLsn;
        LastLsn = entry.LastLsn;
        RecordCount = entry.RecordCount;
        ChainEndOffset = entry.ChainEndOffset;
        _flushedOffset = SizeBytes;
        _isSealDurable = true;
        IsAnnounced = true;
        Reservation = SealedBit | ((long)(entry.RecordCount + 1) << 32) | (uint)entry.ChainEndOffset;
        Debug.Assert(ChainEndOffset >= SegmentHeader.RecordSizeBytes && ChainEndOffset <= FooterOffset);
    }

    public ulong Id { get; }

    /// <summary>The mapped file; an offloaded segment has none (check <see cref="IsOffloaded"/> first).</summary>
    public IWalSegmentFile File
    {
        get
        {
            Debug.Assert(_file is not null, "offloaded segments are read through the sealed-segment reader");
            return _file ?? throw new InvalidOperationException($"segment {Id} is offloaded and has no local file");
        }
    }

    /// <summary>The bytes live in the sealed-segment reader, not in a local file.</summary>
    public bool IsOffloaded => _file is null;

    public int SizeBytes { get; }

    /// <summary>Where the seal footer goes; data records end at or before it.</summary>
    public int FooterOffset { get; }

    /// <summary>LSN of the last record before this segment (the header's).</summary>
    public ulong PreviousLsn { get; set; }

    /// <summary>Publish ordinal of in-segment index 0 (the seal takes index = record count).</summary>
    public long BaseOrdinal { get; set; }

    /// <summary>External mode: LSN of the first record (set under the external lock). Standalone: PreviousLsn + 1.</summary>
    public ulong FirstLsn { get; set; }

    /// <summary>Set when sealed (or recovered sealed).</summary>
    public ulong LastLsn { get; set; }

    /// <summary>Data records, valid once sealed.</summary>
    public int RecordCount { get; set; }

    /// <summary>End of the record chain, valid once sealed.</summary>
    public int ChainEndOffset { get; set; }

    /// <summary>Bytes [0, FlushedOffset) are durable. Written by the flusher after open; read by replay.</summary>
    public int FlushedOffset
    {
        get => Volatile.Read(ref _flushedOffset);
        set => Volatile.Write(ref _flushedOffset, value);
    }

    /// <summary>The seal footer is durable (<see cref="ChainEndOffset"/> was written before it).</summary>
    public bool IsSealDurable
    {
        get => Volatile.Read(ref _isSealDurable);
        set => Volatile.Write(ref _isSealDurable, value);
    }

    /// <summary>The sealed-segment sink has been told.</summary>
    public bool IsAnnounced { get; set; }

    /// <summary>The table entry that replaces a sealed segment once it is offloaded.</summary>
    public static Segment Offloaded(in OffloadEntry entry) => new(entry);

    /// <summary>What the offload manifest records of this (sealed) segment.</summary>
    public OffloadEntry ToOffloadEntry()
    {
        Debug.Assert(IsSealDurable, "only durable sealed segments are offloaded");
        return new OffloadEntry
        {
            SegmentId = Id,
            PreviousLsn = PreviousLsn,
            FirstLsn = FirstLsn,
            LastLsn = LastLsn,
            RecordCount = RecordCount,
            ChainEndOffset = ChainEndOffset,
            SizeBytes = SizeBytes,
        };
    }

    /// <summary>Unmaps the file (none when offloaded).</summary>
    public void DisposeFile() => _file?.Dispose();

    public static int OffsetOf(long word) => (int)(word & 0x7FFF_FFFF);

    public static int CountOf(long word) => (int)((word >> 32) & 0x7FFF_FFFF);

    public static bool IsSealedWord(long word) => word < 0;

    public bool IsSealed => IsSealedWord(Volatile.Read(ref Reservation));

    /// <summary>Resets the reservation word (recovery, truncation: no appender runs).</summary>
    public void SetReservation(int nextOffset, int recordCount, bool sealedFlag)
    {
        Debug.Assert(nextOffset >= SegmentHeader.RecordSizeBytes && nextOffset <= FooterOffset);
        Debug.Assert(recordCount >= 0);
        Volatile.Write(ref Reservation, (sealedFlag ? SealedBit : 0) | ((long)recordCount << 32) | (uint)nextOffset);
    }

    /// <summary>Takes a read lease; false if the segment is being retired.</summary>
    public bool TryAcquireLease()
    {
        var current = Volatile.Read(ref _leases);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _leases, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void ReleaseLease()
    {
        var left = Interlocked.Decrement(ref _leases);
        Debug.Assert(left >= 0);
    }

    /// <summary>Drops the log's reference and waits for readers to finish (reads are short copies).</summary>
    public void RetireAndWaitForReaders()
    {
        ReleaseLease();
        var spin = new SpinWait();
        while (Volatile.Read(ref _leases) != 0)
        {
            spin.SpinOnce();
        }
    }
}
