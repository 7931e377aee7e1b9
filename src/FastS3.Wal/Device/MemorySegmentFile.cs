namespace FastS3.Wal.Device;

/// <summary>A segment of <see cref="FaultInjectingWalDevice"/>: spans over the volatile image.</summary>
internal sealed class MemorySegmentFile(FaultInjectingWalDevice device, ulong segmentId, MemoryFileState state) : IWalSegmentFile
{
    public ulong SegmentId { get; } = segmentId;

    public int SizeBytes => state.SizeBytes;

    internal MemoryFileState State => state;

    public Span<byte> GetSpan(int offset, int lengthBytes) => state.Volatile.AsSpan(offset, lengthBytes);

    public void Flush(int offset, int lengthBytes) => device.Flush(state, offset, lengthBytes);

    public void Dispose()
    {
    }
}
