namespace FastS3.Storage;

/// <summary>Accumulates streamed bytes into segments that grow from 16 KiB to 1 MiB, so a small
/// object costs one small array and a large one does not fragment into thousands.</summary>
internal sealed class MemoryContentBuilder
{
    private const int FirstSegmentBytes = 16 * 1024;
    private const int MaxSegmentBytes = 1024 * 1024;

    private readonly List<ReadOnlyMemory<byte>> _done = [];
    private byte[]? _current;
    private int _used;

    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_current is null || _used == _current.Length)
            {
                Seal();
                var size = _current is null ? FirstSegmentBytes : Math.Min(_current.Length * 2, MaxSegmentBytes);
                _current = GC.AllocateUninitializedArray<byte>(Math.Max(size, Math.Min(data.Length, MaxSegmentBytes)));
                _used = 0;
            }

            var n = Math.Min(data.Length, _current.Length - _used);
            data[..n].CopyTo(_current.AsSpan(_used));
            _used += n;
            Length += n;
            data = data[n..];
        }
    }

    public MemoryContent Build()
    {
        Seal();
        _current = null;
        return new MemoryContent([.. _done], Length);
    }

    private void Seal()
    {
        if (_current is not null && _used > 0)
        {
            _done.Add(_current.AsMemory(0, _used));
        }
    }
}
