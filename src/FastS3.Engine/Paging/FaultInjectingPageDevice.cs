using System.Diagnostics;
using FastS3.Engine.Checkpoints;

namespace FastS3.Engine.Paging;

/// <summary>
/// An in-memory <see cref="IPageDevice"/> that models the page cache: writes land in a volatile
/// image and become durable only when <see cref="Sync"/> copies them over. Tests crash it
/// (<see cref="CrashCopy"/>: only synced bytes survive, optionally plus a random subset of the
/// sectors of the last unsynced write, i.e. a torn write), flip bits and fail fsyncs.
/// </summary>
public sealed class FaultInjectingPageDevice : IPageDevice
{
    /// <summary>The unit a disk writes atomically: a torn page keeps some sectors old, some new.</summary>
    public const int SectorSizeBytes = 512;

    private readonly Lock _lock = new();
    private byte[] _volatile;
    private byte[] _durable;
    private long _length;
    private long _durableLength;
    private readonly MemoryCheckpointStore _metadata;
    private (long Offset, int Length)? _lastUnsyncedWrite;
    private long _readCount;

    /// <summary>Creates an empty device.</summary>
    public FaultInjectingPageDevice()
        : this([], 0, new MemoryCheckpointStore())
    {
    }

    private FaultInjectingPageDevice(byte[] image, long length, MemoryCheckpointStore metadata)
    {
        _volatile = image.ToArray();
        _durable = image;
        _length = length;
        _durableLength = length;
        _metadata = metadata;
    }

    /// <summary>When set, <see cref="Sync"/> fails with EIO (and syncs nothing) until cleared.</summary>
    public bool FailSyncs { get; set; }

    /// <summary>When set, metadata writes fail (as a full disk would).</summary>
    public bool FailMetadataWrites
    {
        get => _metadata.FailWrites;
        set => _metadata.FailWrites = value;
    }

    /// <summary>Page reads so far.</summary>
    public long ReadCount => Interlocked.Read(ref _readCount);

    /// <summary>
    /// Called at the start of every page read with its offset, outside the device's lock: a test
    /// holds a read in progress here (to pile other readers onto it) or changes the bytes it will read.
    /// </summary>
    public Action<long>? BeforeRead { get; set; }

    /// <summary>Page writes so far (synced or not).</summary>
    public long WriteCount { get; private set; }

    /// <summary>Successful syncs so far.</summary>
    public long SyncCount { get; private set; }

    /// <inheritdoc />
    public long LengthBytes
    {
        get
        {
            lock (_lock)
            {
                return _length;
            }
        }
    }

    /// <summary>When set, growing the file past this many bytes fails as a full disk does.</summary>
    public long? FailGrowthBeyondBytes { get; set; }

    /// <inheritdoc />
    public void SetLength(long lengthBytes)
    {
        lock (_lock)
        {
            if (lengthBytes > _length && lengthBytes > FailGrowthBeyondBytes)
            {
                throw new IOException("No space left on device (simulated page file growth)", 28);
            }

            EnsureImage(ref _volatile, lengthBytes);
            if (lengthBytes < _length)
            {
                _volatile.AsSpan((int)lengthBytes, (int)(_length - lengthBytes)).Clear();
            }

            _length = lengthBytes;
        }
    }

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        Interlocked.Increment(ref _readCount);
        BeforeRead?.Invoke(offset);
        lock (_lock)
        {
            destination.Clear();
            var available = (int)Math.Clamp(_length - offset, 0, destination.Length);
            _volatile.AsSpan((int)offset, available).CopyTo(destination);
        }
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        lock (_lock)
        {
            var end = offset + source.Length;
            EnsureImage(ref _volatile, end);
            _length = Math.Max(_length, end);
            source.CopyTo(_volatile.AsSpan((int)offset));
            _lastUnsyncedWrite = (offset, source.Length);
            WriteCount++;
        }
    }

    /// <inheritdoc />
    public void Sync()
    {
        lock (_lock)
        {
            if (FailSyncs)
            {
                throw new IOException("Input/output error (simulated fsync)", 5);
            }

            EnsureImage(ref _durable, _length);
            _volatile.AsSpan(0, (int)_length).CopyTo(_durable);
            _durable.AsSpan((int)_length).Clear();
            _durableLength = _length;
            _lastUnsyncedWrite = null;
            SyncCount++;
        }
    }

    /// <inheritdoc />
    public byte[]? ReadMetadata() => _metadata.Read();

    /// <inheritdoc />
    public void WriteMetadataDurable(ReadOnlySpan<byte> bytes) => _metadata.WriteDurable(bytes); // atomic: old or new, never a mix

    /// <summary>
    /// A new device holding what survives a power cut right now: every synced byte and the
    /// metadata; with <paramref name="tear"/>, each sector of the last unsynced page write also
    /// survives with probability 1/2 (a torn write). Every other unsynced write is lost.
    /// </summary>
    public FaultInjectingPageDevice CrashCopy(Random? tear = null)
    {
        lock (_lock)
        {
            var image = _durable.AsSpan(0, (int)_durableLength).ToArray();
            var length = _durableLength;
            if (tear is not null && _lastUnsyncedWrite is { } last)
            {
                var end = last.Offset + last.Length;
                if (end > length)
                {
                    Array.Resize(ref image, (int)end);
                    length = end;
                }

                for (var sector = last.Offset; sector < end; sector += SectorSizeBytes)
                {
                    if (tear.Next(2) == 0)
                    {
                        var size = (int)Math.Min(SectorSizeBytes, end - sector);
                        _volatile.AsSpan((int)sector, size).CopyTo(image.AsSpan((int)sector));
                    }
                }
            }

            return new FaultInjectingPageDevice(image, length, _metadata.CrashCopy());
        }
    }

    /// <summary>Flips one bit in both images (a medium error that fsync cannot fix).</summary>
    public void FlipBit(long offset, int bit)
    {
        lock (_lock)
        {
            Debug.Assert(offset < _length, "flip inside the file");
            _volatile[offset] ^= (byte)(1 << bit);
            if (offset < _durableLength)
            {
                _durable[offset] ^= (byte)(1 << bit);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static void EnsureImage(ref byte[] image, long lengthBytes)
    {
        if (image.Length < lengthBytes)
        {
            Array.Resize(ref image, (int)Math.Max(lengthBytes, image.Length * 2L));
        }
    }
}
