using System.Buffers;
using System.Diagnostics;
using FastS3.Wal.Format;

namespace FastS3.Wal;

public sealed partial class WriteAheadLog : ISegmentOffloadTarget
{
    // Offloaded, not yet released segments, ascending by id: the offload manifest's content.
    // Changed under _offloadLock, written to disk under _metadataLock.
    private readonly List<OffloadEntry> _offloadEntries = [];
    private readonly Lock _offloadLock = new();
    private long _offloadedCount;

    /// <summary>Segments offloaded by this instance (their local files removed).</summary>
    public long OffloadedCount => Interlocked.Read(ref _offloadedCount);

    /// <summary>Live segment ids whose bytes are held by the sealed-segment reader, ascending.</summary>
    public IReadOnlyList<ulong> OffloadedSegmentIds =>
        Volatile.Read(ref _segmentTable).Segments.Where(s => s.IsOffloaded).Select(s => s.Id).ToArray();

    /// <inheritdoc />
    /// <remarks>
    /// Order: manifest first (durable replace), then the table entry is swapped, readers of the
    /// mapping drain, and the file is recycled. A crash after the manifest write leaves a file that
    /// recovery recycles (the manifest wins: the shards were durable before we were told).
    /// </remarks>
    public WalStatus OffloadSegment(ulong segmentId)
    {
        if (_options.SealedSegmentReader is null)
        {
            return WalStatus.NotFound;
        }

        lock (_offloadLock)
        {
            if (Volatile.Read(ref _closing) != 0)
            {
                return WalStatus.Closed;
            }

            if (!TryGetSegment(segmentId, out var segment) || !segment.IsAnnounced || !segment.IsSealDurable)
            {
                return WalStatus.NotFound;
            }

            if (segment.IsOffloaded)
            {
                return WalStatus.Ok;
            }

            Debug.Assert(segment != Volatile.Read(ref _active), "the active segment is never announced");
            var entry = segment.ToOffloadEntry();
            var entries = new List<OffloadEntry>(_offloadEntries) { entry };
            entries.Sort((a, b) => a.SegmentId.CompareTo(b.SegmentId));
            var status = PersistOffloadManifest(entries);
            if (status != WalStatus.Ok)
            {
                return status; // still local, still served from the mapping
            }

            lock (_segmentTableLock)
            {
                Volatile.Write(ref _segmentTable, Volatile.Read(ref _segmentTable).Replace(Segment.Offloaded(entry)));
            }

            segment.RetireAndWaitForReaders();
            segment.DisposeFile();
            try
            {
                _device.RecycleSegment(segmentId);
            }
            catch (IOException exception)
            {
                Log($"WAL could not remove offloaded segment {segmentId}: {exception.Message}; the next open recycles it");
            }

            Interlocked.Increment(ref _offloadedCount);
            return WalStatus.Ok;
        }
    }

    /// <summary>
    /// Whether the bytes of segment <paramref name="segmentId"/> can be read at all: Ok for a local
    /// segment or a readable offloaded one, <see cref="WalStatus.Unrecoverable"/> when the reader
    /// has lost too much of it, NotFound when the segment is not live. No data is read.
    /// </summary>
    public WalStatus CheckReadable(ulong segmentId)
    {
        if (!TryGetSegment(segmentId, out var segment))
        {
            return WalStatus.NotFound;
        }

        return !segment.IsOffloaded || _options.SealedSegmentReader!.IsReadable(segmentId) ? WalStatus.Ok : WalStatus.Unrecoverable;
    }

    /// <summary>True when segment <paramref name="segmentId"/> is live and offloaded (reads copy, no lease).</summary>
    public bool IsOffloaded(ulong segmentId) => TryGetSegment(segmentId, out var segment) && segment.IsOffloaded;

    internal bool TryGetSegmentInternal(ulong segmentId, out Segment segment) => TryGetSegment(segmentId, out segment);

    /// <summary>Replay of an offloaded segment: its record chain, read whole into a pooled buffer the caller returns.</summary>
    internal byte[] ReadOffloadedChain(Segment segment)
    {
        Debug.Assert(segment.IsOffloaded);
        var buffer = ArrayPool<byte>.Shared.Rent(segment.ChainEndOffset);
        var status = _options.SealedSegmentReader!.Read(segment.Id, 0, buffer.AsSpan(0, segment.ChainEndOffset));
        if (status != SealedSegmentReadStatus.Ok)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new WalCorruptionException(segment.Id, 0, RecoveryCase.SealedBadRecord, $"offloaded segment unreadable for replay: {status}");
        }

        return buffer;
    }

    private WalStatus ReadOffloaded(Segment segment, WalLocation location, Span<byte> destination)
    {
        var status = _options.SealedSegmentReader!.Read(segment.Id, location.Offset, destination[..location.LengthBytes]);
        return status switch
        {
            SealedSegmentReadStatus.Ok => WalStatus.Ok,
            SealedSegmentReadStatus.Unrecoverable => WalStatus.Unrecoverable,
            _ => LogOffloadedReadFailure(segment.Id, status),
        };
    }

    private WalStatus LogOffloadedReadFailure(ulong segmentId, SealedSegmentReadStatus status)
    {
        // The manifest names it, so the reader must hold it: losing every shard is "unrecoverable".
        Log($"WAL read of offloaded segment {segmentId}: {status}");
        return WalStatus.Unrecoverable;
    }

    /// <summary>
    /// Recovery: the offloaded segments above the first live id, from the manifest. Entries below
    /// it belong to a release that was interrupted after its metadata write.
    /// </summary>
    private Dictionary<ulong, OffloadEntry> LoadOffloadManifest()
    {
        var bytes = _device.ReadOffloadManifest();
        if (bytes is null)
        {
            return [];
        }

        if (!OffloadManifest.TryRead(bytes, out var entries))
        {
            // Durable replace makes a torn manifest impossible; a bad one is media corruption.
            throw new WalCorruptionException(0, 0, RecoveryCase.CorruptFooter, "wal.offload fails its magic/version/length/CRC check");
        }

        var live = entries.Where(e => e.SegmentId >= _metadata.FirstLiveSegmentId).ToArray();
        if (live.Length > 0 && _options.SealedSegmentReader is null)
        {
            throw new InvalidOperationException(
                $"the log has {live.Length} offloaded segments (ids {live[0].SegmentId}..{live[^1].SegmentId}) but no sealed-segment reader is configured: enable the erasure-coded store with the same data directories");
        }

        _offloadEntries.AddRange(live);
        return live.ToDictionary(e => e.SegmentId);
    }

    /// <summary>Drops copies the reader still holds of released segments (a release interrupted before its drop).</summary>
    private void DropReleasedOffloads()
    {
        var reader = _options.SealedSegmentReader;
        if (reader is null)
        {
            return;
        }

        foreach (var id in reader.ListSegments())
        {
            if (id < _metadata.FirstLiveSegmentId)
            {
                Log($"WAL recovery: dropping the offloaded copy of released segment {id}");
                reader.Drop(id);
            }
        }
    }

    private WalStatus PersistOffloadManifest(List<OffloadEntry> entries)
    {
        lock (_metadataLock)
        {
            try
            {
                _device.WriteOffloadManifestDurable(OffloadManifest.Write(entries));
            }
            catch (IOException exception)
            {
                Log($"WAL offload manifest write failed: {exception.Message}");
                return Classify(exception);
            }
        }

        _offloadEntries.Clear();
        _offloadEntries.AddRange(entries);
        return WalStatus.Ok;
    }
}
