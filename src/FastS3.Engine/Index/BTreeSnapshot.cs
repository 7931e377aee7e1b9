using System.Buffers;

namespace FastS3.Engine.Index;

/// <summary>
/// One published version of a <see cref="BTree"/>, held: its pages are not reclaimed until this
/// is disposed, so it reads the same however the writer continues. Any number of threads may read
/// one snapshot; a cursor belongs to one thread.
/// </summary>
internal sealed class BTreeSnapshot : IDisposable
{
    private readonly BTree _tree;
    private readonly PublishedVersion _version;
    private int _disposed;

    internal BTreeSnapshot(BTree tree, PublishedVersion version)
    {
        _tree = tree;
        _version = version;
    }

    public ulong Version => _version.Version;

    /// <summary>The last commit the version contains.</summary>
    public ulong AppliedLsn => _version.AppliedLsn;

    public ulong Count => _version.EntryCount;

    internal ulong RootPageId => _version.RootPageId;

    public bool TryGet(ReadOnlySpan<byte> key, IBufferWriter<byte> destination)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _tree.TryGet(_version.RootPageId, key, destination);
    }

    /// <summary>A cursor before the first key &gt;= <paramref name="lowerBound"/>; valid while this snapshot is held.</summary>
    public BTreeCursor Seek(ReadOnlySpan<byte> lowerBound) => Seek(lowerBound, new BTreeCursor(_tree, _version.RootPageId));

    /// <summary>
    /// Repositions <paramref name="reuse"/> (a cursor of the same tree, e.g. one per connection) on
    /// this snapshot before the first key &gt;= <paramref name="lowerBound"/>: no allocation.
    /// </summary>
    public BTreeCursor Seek(ReadOnlySpan<byte> lowerBound, BTreeCursor reuse)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        reuse.Rebind(_version.RootPageId);
        reuse.Seek(lowerBound);
        return reuse;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _tree.Release(_version.Version);
        }
    }
}
