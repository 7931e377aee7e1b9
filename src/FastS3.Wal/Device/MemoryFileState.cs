namespace FastS3.Wal.Device;

/// <summary>
/// One simulated file: what the page cache holds (<see cref="Volatile"/>) and what would survive
/// power loss (<see cref="Durable"/>).
/// </summary>
internal sealed class MemoryFileState(int sizeBytes)
{
    public byte[] Volatile { get; } = new byte[sizeBytes];

    public byte[] Durable { get; } = new byte[sizeBytes];

    public int SizeBytes => Volatile.Length;

    public MemoryFileState CloneDurable()
    {
        var clone = new MemoryFileState(SizeBytes);
        Durable.CopyTo(clone.Durable, 0);
        Durable.CopyTo(clone.Volatile, 0);
        return clone;
    }
}
