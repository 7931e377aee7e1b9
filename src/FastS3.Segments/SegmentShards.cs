using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;

namespace FastS3.Segments;

/// <summary>
/// The shard files of one segment, opened lazily for one read or heal: the healthy read path opens
/// only the data shards its range touches. Every unusable shard or block is reported to the
/// damage queue (when one is given) and answered as "not available", never as bytes.
/// </summary>
internal sealed class SegmentShards : IDisposable
{
    private readonly ErasureSegmentStore _store;
    private readonly ErasureLayout _layout;
    private readonly ulong _segmentId;
    private readonly ShardDamageQueue? _damage;
    private readonly ShardSlot[] _slots;
    private ShardFileHeader _geometry;
    private bool _hasGeometry;

    public SegmentShards(ErasureSegmentStore store, ulong segmentId, ShardDamageQueue? damage)
    {
        _store = store;
        _layout = store.Layout;
        _segmentId = segmentId;
        _damage = damage;
        _slots = new ShardSlot[_layout.TotalShards];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new ShardSlot();
        }
    }

    /// <summary>Some shard file of this segment exists (valid or not).</summary>
    public bool AnyFileSeen { get; private set; }

    /// <summary>
    /// The first believable header, tried in shard order (data shard 0 first: the read most likely
    /// needs it anyway). Its lengths become the segment's; a later shard that disagrees is lost.
    /// </summary>
    public bool TryGetGeometry(out ShardFileHeader geometry)
    {
        for (var i = 0; i < _slots.Length && !_hasGeometry; i++)
        {
            _ = EnsureOpen(i);
        }

        geometry = _geometry;
        return _hasGeometry;
    }

    public bool IsOpen(int shard) => EnsureOpen(shard);

    /// <summary>Reads block <paramref name="block"/> of <paramref name="shard"/> into <paramref name="destination"/> (exactly the block's length) and checks its CRC32C.</summary>
    public bool TryReadBlock(int shard, int block, Span<byte> destination)
    {
        if (!EnsureOpen(shard))
        {
            return false;
        }

        var slot = _slots[shard];
        Debug.Assert(destination.Length == slot.Header.BlockLength(block), "destination is exactly one block");
        var offset = slot.Header.DataOffsetBytes + ((long)block * slot.Header.BlockSizeBytes);
        int read;
        try
        {
            read = ReadFully(slot.Handle!, destination, offset);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Report(shard, ShardDamageKind.IoError, ex.Message);
            return false;
        }

        if (read < destination.Length)
        {
            Report(shard, ShardDamageKind.Truncated, $"block {block}: {read} of {destination.Length} bytes");
            return false;
        }

        if (Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, destination) != slot.BlockCrcs[block])
        {
            Report(shard, ShardDamageKind.BlockCrc, $"block {block}");
            return false;
        }

        return true;
    }

    public void Dispose()
    {
        foreach (var slot in _slots)
        {
            slot.Handle?.Dispose();
        }
    }

    private bool EnsureOpen(int shard)
    {
        var slot = _slots[shard];
        if (slot.State != ShardSlotState.Unopened)
        {
            return slot.State == ShardSlotState.Open;
        }

        slot.State = ShardSlotState.Lost;
        var directory = _layout.DirectoryIndexOf(_segmentId, shard);
        if (!_store.IsDirectoryAvailable(directory))
        {
            Report(shard, ShardDamageKind.DirectoryUnavailable, _layout.DataDirectories[directory]);
            return false;
        }

        try
        {
            slot.Handle = File.OpenHandle(_layout.ShardPath(_segmentId, shard), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            Report(shard, ShardDamageKind.Missing, "no file");
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Report(shard, ShardDamageKind.IoError, ex.Message);
            return false;
        }

        AnyFileSeen = true;
        var check = ReadHeader(slot, shard);
        if (check != ShardHeaderCheck.Ok)
        {
            Report(shard, check == ShardHeaderCheck.TooShort ? ShardDamageKind.Truncated : ShardDamageKind.BadHeader, check.ToString());
            slot.Handle.Dispose();
            slot.Handle = null;
            return false;
        }

        slot.State = ShardSlotState.Open;
        return true;
    }

    private ShardHeaderCheck ReadHeader(ShardSlot slot, int shard)
    {
        Span<byte> raw = stackalloc byte[ShardFileHeader.Size];
        int read;
        try
        {
            read = ReadFully(slot.Handle!, raw, 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ShardHeaderCheck.TooShort;
        }

        var check = ShardFileHeader.TryRead(raw[..read], out var header);
        if (check == ShardHeaderCheck.Ok)
        {
            check = header.Check(_segmentId, shard, _layout);
        }

        if (check != ShardHeaderCheck.Ok)
        {
            return check;
        }

        if (_hasGeometry
            && (header.SegmentLengthBytes != _geometry.SegmentLengthBytes || header.ShardLengthBytes != _geometry.ShardLengthBytes))
        {
            return ShardHeaderCheck.LayoutMismatch;
        }

        var table = new byte[4 * header.BlockCount];
        try
        {
            read = ReadFully(slot.Handle!, table, ShardFileHeader.Size);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ShardHeaderCheck.TooShort;
        }

        if (read < table.Length)
        {
            return ShardHeaderCheck.TooShort;
        }

        slot.BlockCrcs = new uint[header.BlockCount];
        for (var b = 0; b < slot.BlockCrcs.Length; b++)
        {
            slot.BlockCrcs[b] = BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(b * 4));
        }

        slot.Header = header;
        if (!_hasGeometry)
        {
            _geometry = header;
            _hasGeometry = true;
        }

        return ShardHeaderCheck.Ok;
    }

    private void Report(int shard, ShardDamageKind kind, string detail)
    {
        _store.ForgetQuorum(_segmentId);
        _damage?.Report(new ShardDamage(_segmentId, shard, kind, detail));
    }

    private static int ReadFully(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> destination, long offset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var n = RandomAccess.Read(handle, destination[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
