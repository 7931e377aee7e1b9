using System.Diagnostics;
using FastS3.Engine.Paging;

namespace FastS3.Engine.Index;

/// <summary>
/// A copy-on-write B+tree of byte-string keys (ordinal byte order, which is S3's list order for
/// UTF-8 keys) and byte-string values on <see cref="BufferPool"/> pages.
/// </summary>
/// <remarks>
/// <para>One writer at a time (the engine's commit lock) changes the <em>write root</em>: every
/// change copies the root-to-leaf path, so a page that any published version reaches is never
/// modified. <see cref="Publish"/> makes the write root the version readers get
/// (<see cref="AcquireSnapshot"/>); a snapshot stays unchanged however the writer continues.</para>
/// <para>A page the writer replaces is freed at once if no version ever reached it; otherwise it
/// is retired with the last version that reaches it and goes back to the free list when no held
/// snapshot is that old and the last durable checkpoint is newer. So a page reachable from the
/// last durable checkpoint root is never overwritten, and a crash at any point reopens that
/// checkpoint intact (the argument of LMDB's shadow paging).</para>
/// </remarks>
internal sealed partial class BTree : IDisposable
{
    /// <summary>Page 0 is never allocated: 0 means "no page" (an empty tree, an inline value).</summary>
    public const ulong NoPage = 0;

    private readonly IPageDevice _device;
    private readonly TimeProvider _timeProvider;
    private readonly PageFile _file;
    private readonly BufferPool _pool;

    /// <summary>Guards the allocator, the retired queue and the snapshot table (the writer and releasing readers meet here).</summary>
    private readonly Lock _lock = new();

    /// <summary>Pages free for reuse now; a stack, so the most recently freed (likeliest still in a frame) go first.</summary>
    private readonly Stack<ulong> _freePages = new();

    /// <summary>Pages replaced by the writer but reached by a published version up to the stamp; stamps ascend.</summary>
    private readonly Queue<(ulong LastVersion, ulong PageId)> _retired = new();

    /// <summary>Pages allocated since the last publish: no reader can reach them, the writer frees them at once.</summary>
    private readonly HashSet<ulong> _unpublished = [];

    /// <summary>Pages published since the last checkpoint capture: what the next checkpoint flushes.</summary>
    private List<ulong> _uncheckpointed = [];

    /// <summary>Held snapshots per version.</summary>
    private readonly SortedDictionary<ulong, int> _readers = [];

    /// <summary>Scratch for cells the writer builds (a branch cell with a new child, a promoted separator).</summary>
    private readonly byte[] _cellScratch = new byte[2 * NodePage.MaxLeafCellBytes];

    private ulong _pageCount;
    private ulong _writeRoot;
    private long _writeCount;
    private ulong _writeLsn;
    private PublishedVersion _published;
    private ulong _checkpointVersion;
    private bool _checkpointRunning;
    private Exception? _checkpointFailure;

    private BTree(IPageDevice device, long bufferPoolBytes, TimeProvider timeProvider)
    {
        _device = device;
        _timeProvider = timeProvider;
        _file = new PageFile(device);
        _pool = new BufferPool(_file, bufferPoolBytes);
        _published = new PublishedVersion(1, NoPage, 0, 0);
    }

    /// <summary>Entries in the write state.</summary>
    public long Count => _writeCount;

    /// <summary>The last published version (a reader's view).</summary>
    public ulong PublishedVersion => Volatile.Read(ref _published).Version;

    /// <summary>The version the last durable checkpoint recorded.</summary>
    public ulong CheckpointVersion
    {
        get
        {
            lock (_lock)
            {
                return _checkpointVersion;
            }
        }
    }

    /// <summary>The applied LSN the last durable checkpoint recorded (0 for none): replay starts above it.</summary>
    public ulong CheckpointLsn { get; private set; }

    public BufferPoolStatistics PoolStatistics => _pool.Statistics;

    /// <summary>Pages on the free list and retired, waiting for reclamation (for tests and metrics).</summary>
    public (int Free, int Retired, ulong Allocated) PageCounts
    {
        get
        {
            lock (_lock)
            {
                return (_freePages.Count, _retired.Count, _pageCount);
            }
        }
    }

    /// <summary>
    /// Opens the tree at the last durable checkpoint of <paramref name="device"/> (an empty tree
    /// if there is none). Pages written after that checkpoint are garbage and get reused.
    /// </summary>
    /// <exception cref="PageCorruptionException">The checkpoint record is corrupt.</exception>
    public static BTree Open(IPageDevice device, long bufferPoolBytes, TimeProvider? timeProvider = null)
    {
        var tree = new BTree(device, bufferPoolBytes, timeProvider ?? TimeProvider.System);
        var record = IndexCheckpointRecord.Decode(device.ReadMetadata());
        tree._pageCount = Math.Max(record.PageCount, 1);
        foreach (var page in record.FreePages)
        {
            tree._freePages.Push(page);
        }

        tree._writeRoot = record.RootPageId;
        tree._writeCount = (long)record.EntryCount;
        tree._writeLsn = record.AppliedLsn;
        tree.CheckpointLsn = record.AppliedLsn;
        tree._checkpointVersion = 1;
        tree._published = new PublishedVersion(1, record.RootPageId, record.AppliedLsn, record.EntryCount);
        return tree;
    }

    /// <summary>
    /// Makes the write state the published version; <paramref name="appliedLsn"/> is the last
    /// commit it contains (what a checkpoint of it records). One reference store for readers.
    /// </summary>
    public ulong Publish(ulong appliedLsn)
    {
        Debug.Assert(appliedLsn >= _published.AppliedLsn, "published LSNs only move forward");
        lock (_lock)
        {
            _uncheckpointed.AddRange(_unpublished);
            _unpublished.Clear();
            var version = _published.Version + 1;
            Volatile.Write(ref _published, new PublishedVersion(version, _writeRoot, appliedLsn, (ulong)_writeCount));
            ReclaimLocked();
            return version;
        }
    }

    /// <summary>Holds the published version until the snapshot is disposed.</summary>
    public BTreeSnapshot AcquireSnapshot()
    {
        lock (_lock)
        {
            var published = _published;
            _readers[published.Version] = _readers.GetValueOrDefault(published.Version) + 1;
            return new BTreeSnapshot(this, published);
        }
    }

    public void Dispose()
    {
        _pool.Dispose();
        _device.Dispose();
    }

    internal void Release(ulong version)
    {
        lock (_lock)
        {
            var count = _readers[version] - 1;
            if (count == 0)
            {
                _readers.Remove(version);
                ReclaimLocked();
            }
            else
            {
                _readers[version] = count;
            }
        }
    }

    private ulong AllocatePage()
    {
        lock (_lock)
        {
            var page = _freePages.Count > 0 ? _freePages.Pop() : _pageCount++;
            _unpublished.Add(page);
            return page;
        }
    }

    /// <summary>The writer no longer reaches <paramref name="pageId"/> from the write root.</summary>
    private void RetirePage(ulong pageId)
    {
        Debug.Assert(pageId != NoPage);
        lock (_lock)
        {
            if (_unpublished.Remove(pageId))
            {
                _pool.Discard(pageId);
                _freePages.Push(pageId);
                return;
            }

            _retired.Enqueue((_published.Version, pageId));
        }
    }

    /// <summary>
    /// Frees every retired page that no held snapshot and no durable checkpoint reaches: its last
    /// version is older than the oldest held snapshot and older than the checkpoint's version
    /// (which is never newer than the published one, so new readers cannot reach it either).
    /// </summary>
    private void ReclaimLocked()
    {
        var horizon = _checkpointVersion;
        foreach (var (version, _) in _readers)
        {
            horizon = Math.Min(horizon, version);
            break;
        }

        while (_retired.TryPeek(out var retired) && retired.LastVersion < horizon)
        {
            _retired.Dequeue();
            _pool.Discard(retired.PageId);
            _freePages.Push(retired.PageId);
        }
    }
}
