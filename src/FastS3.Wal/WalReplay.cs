using FastS3.Wal.Format;

namespace FastS3.Wal;

/// <summary>
/// Records with LSN in [from, the durable LSN when replay started], in LSN order; use with
/// <c>foreach</c>. Every record is validated again (CRC) as it is read: a bad record in a sealed
/// segment throws <see cref="WalCorruptionException"/>.
/// </summary>
public ref struct WalReplay
{
    private readonly Segment[] _segments;
    private readonly ulong _fromLsn;
    private readonly ulong _throughLsn;
    private int _segmentIndex;
    private int _offset;
    private Segment? _leased;
    private WalRecordView _current;

    internal WalReplay(Segment[] segments, ulong fromLsn, ulong throughLsn)
    {
        _segments = segments;
        _fromLsn = fromLsn;
        _throughLsn = throughLsn;

        // Start at the last segment that begins at or below fromLsn: earlier ones hold only lower LSNs.
        _segmentIndex = 0;
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].PreviousLsn < fromLsn)
            {
                _segmentIndex = i;
            }
        }

        _offset = SegmentHeader.RecordSizeBytes;
    }

    /// <summary>The current record.</summary>
    public readonly WalRecordView Current => _current;

    /// <summary>foreach support.</summary>
    public readonly WalReplay GetEnumerator() => this;

    /// <summary>Advances to the next record; false at the end.</summary>
    public bool MoveNext()
    {
        while (_segmentIndex < _segments.Length)
        {
            var segment = _segments[_segmentIndex];
            if (_leased != segment)
            {
                _leased?.ReleaseLease();
                _leased = null;
                if (!segment.TryAcquireLease())
                {
                    return false; // released under us: the caller replays from a checkpoint above it
                }

                _leased = segment;
            }

            var sealedDurable = segment.IsSealDurable;
            var end = sealedDurable ? segment.ChainEndOffset : Math.Min(segment.FlushedOffset, segment.FooterOffset);
            if (_offset >= end)
            {
                if (!sealedDurable)
                {
                    return false; // the active segment: nothing more is durable
                }

                _segmentIndex++;
                _offset = SegmentHeader.RecordSizeBytes;
                continue;
            }

            var span = segment.File.GetSpan(_offset, segment.FooterOffset - _offset);
            var check = WalRecordHeader.Validate(span, segment.Id, segment.FooterOffset - _offset, out var header);
            if (check != WalRecordCheck.Ok)
            {
                throw new WalCorruptionException(segment.Id, _offset, RecoveryCase.SealedBadRecord, $"replay read {check}");
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

    /// <summary>Releases the segment lease (foreach calls it).</summary>
    public void Dispose()
    {
        _leased?.ReleaseLease();
        _leased = null;
    }
}
