using System.Buffers;
using FastS3.Wal.Format;

namespace FastS3.Wal;

/// <summary>
/// Records with LSN in [from, the durable LSN when replay started], in LSN order; use with
/// <c>foreach</c>. Every record is validated again (CRC) as it is read: a bad record in a sealed
/// segment throws <see cref="WalCorruptionException"/>. An offloaded segment is read whole
/// through the log's sealed-segment reader into a pooled buffer and walked there: redo must see
/// every record above the checkpoint, wherever its bytes now live.
/// </summary>
public ref struct WalReplay
{
    private readonly WriteAheadLog _log;
    private readonly ulong _fromLsn;
    private readonly ulong _throughLsn;
    private ulong _segmentId;
    private readonly ulong _lastSegmentId;
    private int _offset;
    private Segment? _leased;
    private byte[]? _offloadedBytes; // the chain of the offloaded segment being walked
    private WalRecordView _current;

    internal WalReplay(WriteAheadLog log, Segment[] segments, ulong fromLsn, ulong throughLsn)
    {
        _log = log;
        _fromLsn = fromLsn;
        _throughLsn = throughLsn;

        // Start at the last segment that begins at or below fromLsn: earlier ones hold only lower LSNs.
        // Segments are looked up by id at each step: one may be offloaded (its table entry replaced) meanwhile.
        _segmentId = segments.Length == 0 ? 1 : segments[0].Id;
        _lastSegmentId = segments.Length == 0 ? 0 : segments[^1].Id;
        foreach (var segment in segments)
        {
            if (segment.PreviousLsn < fromLsn)
            {
                _segmentId = segment.Id;
            }
        }

        _offset = SegmentHeader.RecordSizeBytes;
    }

    /// <summary>Every durable record of the segments <paramref name="firstSegmentId"/>..<paramref name="lastSegmentId"/>, in order.</summary>
    internal WalReplay(WriteAheadLog log, ulong firstSegmentId, ulong lastSegmentId, ulong throughLsn)
    {
        _log = log;
        _fromLsn = 0;
        _throughLsn = throughLsn;
        _segmentId = firstSegmentId;
        _lastSegmentId = lastSegmentId;
        _offset = SegmentHeader.RecordSizeBytes;
    }

    /// <summary>The current record.</summary>
    public readonly WalRecordView Current => _current;

    /// <summary>foreach support.</summary>
    public readonly WalReplay GetEnumerator() => this;

    /// <summary>Advances to the next record; false at the end.</summary>
    public bool MoveNext()
    {
        while (_segmentId <= _lastSegmentId)
        {
            if (!TryHold(out var segment, out var chain))
            {
                return false; // released under us: the caller replays from a checkpoint above it
            }

            var sealedDurable = segment.IsSealDurable;
            var end = sealedDurable ? segment.ChainEndOffset : Math.Min(segment.FlushedOffset, segment.FooterOffset);
            if (_offset >= end)
            {
                if (!sealedDurable)
                {
                    return false; // the active segment: nothing more is durable
                }

                Release();
                _segmentId++;
                _offset = SegmentHeader.RecordSizeBytes;
                continue;
            }

            var span = chain[_offset..];
            var check = WalRecordHeader.Validate(span, segment.Id, span.Length, out var header);
            if (check != WalRecordCheck.Ok)
            {
                throw new WalCorruptionException(segment.Id, _offset, RecoveryCase.SealedBadRecord, $"replay read {check}{(segment.IsOffloaded ? " (offloaded segment)" : string.Empty)}");
            }

            if (header.Lsn > _throughLsn)
            {
                return false;
            }

            var payloadOffset = _offset + WalRecordHeader.Size;
            var length = (int)header.PayloadLengthBytes;
            _offset += WalRecordHeader.RecordSizeBytes(length);
            if (header.Lsn < _fromLsn)
            {
                continue;
            }

            _current = new WalRecordView(header.Lsn, header.Type, header.Flags, new WalLocation(segment.Id, payloadOffset, length), span.Slice(WalRecordHeader.Size, length));
            return true;
        }

        return false;
    }

    /// <summary>Releases the segment lease and the offload buffer (foreach calls it).</summary>
    public void Dispose() => Release();

    // Holds the current segment: a read lease on a local mapping, or its chain read into a buffer
    // when offloaded. `chain` covers [0, footer) (local) or [0, chain end) (offloaded).
    private bool TryHold(out Segment segment, out ReadOnlySpan<byte> chain)
    {
        chain = default;
        while (true)
        {
            if (!_log.TryGetSegmentInternal(_segmentId, out segment))
            {
                return false;
            }

            if (segment.IsOffloaded)
            {
                if (_offloadedBytes is null)
                {
                    Release();
                    _offloadedBytes = _log.ReadOffloadedChain(segment);
                }

                chain = _offloadedBytes.AsSpan(0, segment.ChainEndOffset);
                return true;
            }

            if (_leased != segment)
            {
                Release();
                if (!segment.TryAcquireLease())
                {
                    continue; // retired by an offload just now: look the id up again
                }

                _leased = segment;
            }

            chain = segment.File.GetSpan(0, segment.FooterOffset);
            return true;
        }
    }

    private void Release()
    {
        _leased?.ReleaseLease();
        _leased = null;
        if (_offloadedBytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_offloadedBytes);
            _offloadedBytes = null;
        }
    }
}
