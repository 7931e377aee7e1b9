using System.Diagnostics;

namespace FastS3.Wal.Device;

/// <summary>
/// An in-memory <see cref="IWalDevice"/> that models the page cache: bytes written through a span
/// are volatile until a flush copies them to the durable image. Tests crash it
/// (<see cref="CrashCopy"/>: only flushed bytes survive, optionally plus a random subset of
/// unflushed 512-byte sectors, i.e. a torn last write), flip bits, fail flushes and run out of space.
/// </summary>
public sealed class FaultInjectingWalDevice : IWalDevice
{
    /// <summary>Sector size for torn writes: the unit a disk writes atomically.</summary>
    public const int SectorSizeBytes = 512;

    private const int MaxRecycled = 4;

    private readonly Lock _lock = new();
    private readonly SortedDictionary<ulong, MemoryFileState> _files = [];
    private readonly Stack<MemoryFileState> _recycled = new();
    private byte[]? _metadata;
    private byte[]? _offloadManifest;
    private long _flushCount;

    /// <summary>Creating a segment beyond this many live files fails with ENOSPC (disk full).</summary>
    public int MaxSegmentFiles { get; set; } = int.MaxValue;

    /// <summary>When set, the next flushes fail with EIO until cleared.</summary>
    public bool FailFlushes { get; set; }

    /// <summary>When set, metadata writes fail with EIO.</summary>
    public bool FailMetadataWrites { get; set; }

    /// <summary>When set, recycling a segment file fails with EIO (the file stays, as after a crash before the rename).</summary>
    public bool FailRecycles { get; set; }

    /// <summary>Successful segment flushes so far.</summary>
    public long FlushCount => Interlocked.Read(ref _flushCount);

    /// <summary>
    /// Runs after every successful flush, on the flushing thread, with the device lock released:
    /// a crash test takes <see cref="CrashCopy"/> here to crash "at every flush point".
    /// </summary>
    public Action<FaultInjectingWalDevice>? AfterFlush { get; set; }

    /// <summary>Recycled files waiting for reuse.</summary>
    public int RecycledCount
    {
        get
        {
            lock (_lock)
            {
                return _recycled.Count;
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ulong> ListSegmentIds()
    {
        lock (_lock)
        {
            return [.. _files.Keys];
        }
    }

    /// <inheritdoc />
    public IWalSegmentFile CreateSegment(ulong segmentId, int sizeBytes)
    {
        lock (_lock)
        {
            Debug.Assert(!_files.ContainsKey(segmentId), "segment file already exists");
            if (_files.Count >= MaxSegmentFiles)
            {
                throw new IOException("No space left on device (simulated)", FileWalDevice.ENOSPC);
            }

            MemoryFileState state;
            if (_recycled.Count > 0 && _recycled.Peek().SizeBytes == sizeBytes)
            {
                // Keep the old life's bytes (stale records must fail validation by segment id),
                // zero only header and footer pages, durably, as the real device does.
                state = _recycled.Pop();
                var page = Math.Min(4096, sizeBytes);
                state.Volatile.AsSpan(0, page).Clear();
                state.Durable.AsSpan(0, page).Clear();
                state.Volatile.AsSpan(sizeBytes - page).Clear();
                state.Durable.AsSpan(sizeBytes - page).Clear();
            }
            else
            {
                state = new MemoryFileState(sizeBytes);
            }

            _files.Add(segmentId, state);
            return new MemorySegmentFile(this, segmentId, state);
        }
    }

    /// <inheritdoc />
    public IWalSegmentFile OpenSegment(ulong segmentId, int sizeBytes)
    {
        lock (_lock)
        {
            var state = _files[segmentId];
            if (state.SizeBytes != sizeBytes)
            {
                throw new IOException($"segment {segmentId} is {state.SizeBytes} bytes, expected {sizeBytes}");
            }

            return new MemorySegmentFile(this, segmentId, state);
        }
    }

    /// <inheritdoc />
    public void RecycleSegment(ulong segmentId)
    {
        lock (_lock)
        {
            if (FailRecycles)
            {
                throw new IOException("Input/output error (simulated recycle)", 5);
            }

            var state = _files[segmentId];
            _files.Remove(segmentId);
            if (_recycled.Count < MaxRecycled)
            {
                _recycled.Push(state);
            }
        }
    }

    /// <inheritdoc />
    public byte[]? ReadMetadata() => ReadSmallFile(ref _metadata);

    /// <inheritdoc />
    public void WriteMetadataDurable(ReadOnlySpan<byte> bytes) => ReplaceSmallFile(ref _metadata, bytes);

    /// <inheritdoc />
    public byte[]? ReadOffloadManifest() => ReadSmallFile(ref _offloadManifest);

    /// <inheritdoc />
    public void WriteOffloadManifestDurable(ReadOnlySpan<byte> bytes) => ReplaceSmallFile(ref _offloadManifest, bytes);

    /// <summary>
    /// A new device holding what survives a power cut right now: every flushed byte, and, when
    /// <paramref name="tearRandom"/> is given, each unflushed 512-byte sector with probability 1/2
    /// (the kernel may have written some dirty pages back, in any order). Recycled files are kept.
    /// </summary>
    public FaultInjectingWalDevice CrashCopy(Random? tearRandom = null)
    {
        var copy = new FaultInjectingWalDevice();
        lock (_lock)
        {
            foreach (var (id, state) in _files)
            {
                var clone = state.CloneDurable();
                if (tearRandom is not null)
                {
                    for (var offset = 0; offset < state.SizeBytes; offset += SectorSizeBytes)
                    {
                        var live = state.Volatile.AsSpan(offset, SectorSizeBytes);
                        if (!live.SequenceEqual(state.Durable.AsSpan(offset, SectorSizeBytes)) && tearRandom.Next(2) == 0)
                        {
                            live.CopyTo(clone.Durable.AsSpan(offset));
                            live.CopyTo(clone.Volatile.AsSpan(offset));
                        }
                    }
                }

                copy._files.Add(id, clone);
            }

            foreach (var state in _recycled.Reverse())
            {
                copy._recycled.Push(state.CloneDurable());
            }

            copy._metadata = _metadata?.ToArray();
            copy._offloadManifest = _offloadManifest?.ToArray();
        }

        return copy;
    }

    private byte[]? ReadSmallFile(ref byte[]? file)
    {
        lock (_lock)
        {
            return file?.ToArray();
        }
    }

    private void ReplaceSmallFile(ref byte[]? file, ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (FailMetadataWrites)
            {
                throw new IOException("Input/output error (simulated metadata write)", 5);
            }

            file = bytes.ToArray(); // rename is atomic: old or new, never a mix
        }
    }

    /// <summary>Flips one bit in both images (media corruption that a flush already persisted).</summary>
    public void FlipBit(ulong segmentId, int offset, int bit)
    {
        lock (_lock)
        {
            var state = _files[segmentId];
            state.Durable[offset] ^= (byte)(1 << bit);
            state.Volatile[offset] ^= (byte)(1 << bit);
        }
    }

    /// <summary>Overwrites bytes in both images.</summary>
    public void Overwrite(ulong segmentId, int offset, ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            var state = _files[segmentId];
            bytes.CopyTo(state.Durable.AsSpan(offset));
            bytes.CopyTo(state.Volatile.AsSpan(offset));
        }
    }

    /// <summary>A copy of a segment's durable image.</summary>
    public byte[] ReadDurable(ulong segmentId)
    {
        lock (_lock)
        {
            return _files[segmentId].Durable.ToArray();
        }
    }

    /// <summary>Removes a segment file outright (a lost file).</summary>
    public void DeleteSegmentFile(ulong segmentId)
    {
        lock (_lock)
        {
            _files.Remove(segmentId);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    internal void Flush(MemoryFileState state, int offset, int lengthBytes)
    {
        lock (_lock)
        {
            if (FailFlushes)
            {
                // What Linux does on a writeback error: report EIO once, and the dirty pages may
                // already be gone. Nothing reaches the durable image.
                throw new IOException("Input/output error (simulated fsync failure)", 5);
            }

            state.Volatile.AsSpan(offset, lengthBytes).CopyTo(state.Durable.AsSpan(offset));
            _flushCount++;
        }

        AfterFlush?.Invoke(this);
    }
}
