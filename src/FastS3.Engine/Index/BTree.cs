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
/// modified. <see cref="Seal"/> ends a version (its pages become immutable, as the engine's write
/// state after each commit); <see cref="MakeVisible"/> makes a sealed version the one readers get
/// (<see cref="AcquireSnapshot"/>, the engine's visible state once the commit is durable); a
/// snapshot stays unchanged however the writer continues.</para>
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

    /// <summary>Pages sealed since the last checkpoint capture, with their version: what the next checkpoint flushes.</summary>
    private List<(ulong Version, ulong PageId)> _uncheckpointed = [];

    /// <summary>Held snapshots per version.</summary>
    private readonly SortedDictionary<ulong, int> _readers = [];

    /// <summary>Scratch for cells the writer builds (a branch cell with a new child, a promoted separator).</summary>
    private readonly byte[] _cellScratch = new byte[2 * NodePage.MaxLeafCellBytes];

    private ulong _pageCount;
    private ulong _writeRoot;
    private long _writeCount;
    private ulong _writeLsn;
    private PublishedVersion _sealed;
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
        _sealed = _published;
    }

    /// <summary>Entries in the write state.</summary>
    public long Count => _writeCount;

    /// <summary>The visible version (what a new snapshot reads).</summary>
    public ulong VisibleVersion => Volatile.Read(ref _published).Version;

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
        tree._sealed = tree._published;
        return tree;
    }

    /// <summary>Seals the write state and makes it visible at once (<see cref="Seal"/> + <see cref="MakeVisible"/>). Writer only.</summary>
    public ulong Publish(ulong appliedLsn) => MakeVisible(Seal(appliedLsn));

    /// <summary>
    /// Ends a version: the write state as of <paramref name="appliedLsn"/> (the last commit it
    /// contains) becomes immutable; later changes copy its pages. Not yet visible: the engine seals
    /// after each commit and makes the version visible once the commit record is durable. Writer only.
    /// </summary>
    public PublishedVersion Seal(ulong appliedLsn)
    {
        lock (_lock)
        {
            Debug.Assert(appliedLsn >= _sealed.AppliedLsn, "sealed LSNs only move forward");
            var version = _sealed.Version + 1;
            foreach (var page in _unpublished)
            {
                _uncheckpointed.Add((version, page));
            }

            _unpublished.Clear();
            _sealed = new PublishedVersion(version, _writeRoot, appliedLsn, (ulong)_writeCount);
            return _sealed;
        }
    }

    /// <summary>Makes a sealed version the one new snapshots read (one reference store); versions only move forward. Any thread.</summary>
    public ulong MakeVisible(PublishedVersion version)
    {
        lock (_lock)
        {
            Debug.Assert(version.Version >= _published.Version && version.Version <= _sealed.Version, "visible versions move forward through sealed ones");
            Volatile.Write(ref _published, version);
            ReclaimLocked();
            return version.Version;
        }
    }

    /// <summary>Holds the visible version until the snapshot is disposed.</summary>
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

            _retired.Enqueue((_sealed.Version, pageId)); // the newest sealed version still reaches it
        }
    }

    /// <summary>
    /// Frees every retired page that no held snapshot and no durable checkpoint reaches: its last
    /// version is older than the oldest held snapshot and older than the checkpoint's version
    /// (which is never newer than the visible one, so neither new readers nor sealed versions
    /// waiting to become visible can reach it).
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
