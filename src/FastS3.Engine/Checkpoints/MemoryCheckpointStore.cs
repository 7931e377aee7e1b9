namespace FastS3.Engine.Checkpoints;

/// <summary>A checkpoint held in memory: every write is "durable" at once and atomic.</summary>
public sealed class MemoryCheckpointStore : ICheckpointStore
{
    private readonly Lock _lock = new();
    private byte[]? _bytes;

    private int _writeCount;

    /// <summary>Checkpoints written so far.</summary>
    public int WriteCount => Volatile.Read(ref _writeCount);

    /// <summary>When set, writes fail as a full disk would.</summary>
    public bool FailWrites { get; set; }

    /// <inheritdoc />
    public byte[]? Read()
    {
        lock (_lock)
        {
            return _bytes?.ToArray();
        }
    }

    /// <inheritdoc />
    public void WriteDurable(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (FailWrites)
            {
                throw new IOException("No space left on device (simulated checkpoint write)", 28);
            }

            _bytes = bytes.ToArray();
            _writeCount++;
        }
    }

    /// <summary>What a power cut now would leave (for crash images).</summary>
    public MemoryCheckpointStore CrashCopy()
    {
        lock (_lock)
        {
            return new MemoryCheckpointStore { _bytes = _bytes?.ToArray() };
        }
    }
}
