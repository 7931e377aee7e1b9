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

    /// <summary>
    /// Pages replaced by the writer but reached by a published version up to the stamp; stamps
    /// ascend. Birth: the version that sealed the page if that is newer than the last durable
    /// checkpoint (no checkpoint reaches it), else 0.
    /// </summary>
    private readonly Queue<(ulong LastVersion, ulong PageId, ulong Birth)> _retired = new();

    /// <summary>
    /// Retired pages past the short readers' horizon that a held snapshot (a checkpoint being
    /// written, a long reader) still reaches: looked at again when a snapshot is released.
    /// </summary>
    private readonly List<(ulong LastVersion, ulong PageId, ulong Birth)> _heldBySnapshot = [];

    private bool _snapshotReleased;

    /// <summary>Retired pages no reader reaches any more but the durable checkpoint may: freed once a newer checkpoint is durable. Stamps ascend.</summary>
    private readonly Queue<(ulong LastVersion, ulong PageId)> _awaitingCheckpoint = new();

    /// <summary>
    /// Birth version of every sealed page newer than the last durable checkpoint. Such a page,
    /// once retired, is freed as soon as readers leave: no checkpoint on disk reaches it, so
    /// without this a busy writer would grow the page file by a root-to-leaf path per commit
    /// until the next checkpoint.
    /// </summary>
    private readonly Dictionary<ulong, ulong> _young = [];

    /// <summary>Pages allocated since the last publish: no reader can reach them, the writer frees them at once.</summary>
    private readonly HashSet<ulong> _unpublished = [];

    /// <summary>Pages sealed since the last checkpoint capture and still in use, with their version: what the next checkpoint flushes.</summary>
    private Dictionary<ulong, ulong> _uncheckpointed = [];

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

    // Short readers (a GET's lookup, one list page) register with an RCU grace period instead of
    // the snapshot table: two interlocked adds on a padded counter, no lock, no allocation. A page
    // retired with a version below _graceHorizon is unreachable by them: every reader registered
    // since the grace period that set it began read a visible version no older.
    private readonly ReadGrace _readGrace = new();
    private long _graceEpoch = -1; // the epoch being drained, or -1
    private ulong _graceTarget;
    private ulong _graceHorizon;
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

    /// <summary>
    /// The visible version itself, for a reader inside <see cref="EnterRead"/>: read it after
    /// entering, use it (<see cref="TryGet(PublishedVersion, ReadOnlySpan{byte}, IBufferWriter{byte})"/>,
    /// <see cref="Seek(PublishedVersion, ReadOnlySpan{byte}, BTreeCursor?)"/>) until the token is disposed.
    /// </summary>
    public PublishedVersion Visible => Volatile.Read(ref _published);

    /// <summary>
    /// Enters a short read section: until the token is disposed, no page of a version made
    /// visible before or during it is reclaimed. An owner that publishes its own state alongside
    /// the tree's (the engine) must store it before calling <see cref="MakeVisible"/>, so a reader
    /// that enters after the grace period begins finds a version no older than the one it waits for.
    /// </summary>
    public ReadGrace.Token EnterRead() => _readGrace.Enter();

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
                return (_freePages.Count, _retired.Count + _heldBySnapshot.Count + _awaitingCheckpoint.Count, _pageCount);
            }
        }
    }

    /// <summary>
    /// Opens the tree at the last durable checkpoint of <paramref name="device"/> (an empty tree
    /// if there is none). Pages written after that checkpoint are garbage and get reused.
    /// </summary>
    /// <exception cref="PageCorruptionException">The checkpoint record is corrupt.</exception>
    public static BTree Open(IPageDevice device, long bufferPoolBytes, TimeProvider? timeProvider = null) =>
        Open(device, device.ReadMetadata(), bufferPoolBytes, timeProvider);

    /// <summary>
    /// Opens the tree at a checkpoint record its owner kept (the engine stores it inside its own
    /// checkpoint, so the two are replaced in one atomic step); null opens an empty tree.
    /// </summary>
    /// <exception cref="PageCorruptionException">The checkpoint record is corrupt.</exception>
    public static BTree Open(IPageDevice device, byte[]? checkpointRecord, long bufferPoolBytes, TimeProvider? timeProvider = null)
    {
        var tree = new BTree(device, bufferPoolBytes, timeProvider ?? TimeProvider.System);
        var record = IndexCheckpointRecord.Decode(checkpointRecord);
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

    /// <summary>
    /// Ensures the page file has blocks for every page the next <paramref name="pages"/>
    /// allocations can hand out (a free page or a new one), before the caller logs a change that
    /// will need them. Writer only.
    /// </summary>
    /// <exception cref="IOException">The disk is full (HResult 28) or failed; nothing changed.</exception>
    public void Reserve(int pages)
    {
        ulong next;
        lock (_lock)
        {
            next = _pageCount;
        }

        _file.Reserve(checked((long)next + pages));
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
                _uncheckpointed[page] = version;
                _young[page] = version;
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
                _snapshotReleased = true;
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

            _retired.Enqueue((_sealed.Version, pageId, _young.GetValueOrDefault(pageId))); // the newest sealed version still reaches it
        }
    }

    /// <summary>
    /// Frees every retired page that no reader and no durable checkpoint reaches. A reader holds
    /// a version no older than the oldest held snapshot and the short readers' horizon (neither
    /// is newer than the visible version, so new readers and sealed versions waiting to become
    /// visible cannot reach a page last reached by an older one). The durable checkpoint reaches
    /// a page only if the page is not younger than it and was still reached at its version.
    /// </summary>
    private void ReclaimLocked()
    {
        AdvanceGraceLocked();
        var grace = _graceHorizon;
        if (_snapshotReleased)
        {
            _snapshotReleased = false;
            _heldBySnapshot.RemoveAll(held =>
            {
                if (HeldBySnapshotLocked(held.Birth, held.LastVersion))
                {
                    return false;
                }

                RetireForGoodLocked(held);
                return true;
            });
        }

        // A held snapshot at version s reaches a page only if the page was born at or before s and
        // retired at or after it: a checkpoint being written holds the pages of its own version,
        // not the paths every later commit copies and drops meanwhile.
        while (_retired.TryPeek(out var retired) && retired.LastVersion < grace)
        {
            _retired.Dequeue();
            if (HeldBySnapshotLocked(retired.Birth, retired.LastVersion))
            {
                _heldBySnapshot.Add(retired);
            }
            else
            {
                RetireForGoodLocked(retired);
            }
        }

        var horizon = Math.Min(grace, _checkpointVersion);
        while (_awaitingCheckpoint.TryPeek(out var waiting) && waiting.LastVersion < horizon)
        {
            _awaitingCheckpoint.Dequeue();
            FreeLocked(waiting.PageId);
        }
    }

    /// <summary>True when a held snapshot's version lies in [<paramref name="birth"/>, <paramref name="lastVersion"/>] (birth 0: older than the durable checkpoint).</summary>
    private bool HeldBySnapshotLocked(ulong birth, ulong lastVersion)
    {
        foreach (var (version, _) in _readers)
        {
            if (version > lastVersion)
            {
                return false;
            }

            if (version >= birth)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>No reader reaches the page: free it, unless the durable checkpoint may (then after the next one).</summary>
    private void RetireForGoodLocked((ulong LastVersion, ulong PageId, ulong Birth) retired)
    {
        if (retired.LastVersion < _checkpointVersion || retired.Birth > _checkpointVersion)
        {
            FreeLocked(retired.PageId);
        }
        else
        {
            _awaitingCheckpoint.Enqueue((retired.LastVersion, retired.PageId));
        }
    }

    private void FreeLocked(ulong pageId)
    {
        _pool.Discard(pageId);
        _freePages.Push(pageId);
        _young.Remove(pageId);
        _uncheckpointed.Remove(pageId);
    }

    /// <summary>A checkpoint at <paramref name="version"/> is (or may be) durable: pages sealed up to it are no longer young.</summary>
    private void AgeLocked(ulong version)
    {
        List<ulong>? aged = null;
        foreach (var (page, birth) in _young)
        {
            if (birth <= version)
            {
                (aged ??= []).Add(page);
            }
        }

        foreach (var page in aged ?? [])
        {
            _young.Remove(page);
        }
    }

    /// <summary>
    /// Moves the short readers' horizon without waiting: ends the grace period in progress if its
    /// readers have left, then starts one for the visible version if the horizon is behind it.
    /// Polled on every publish and release, so a reader that lingers delays reclamation, never a writer.
    /// </summary>
    private void AdvanceGraceLocked()
    {
        if (_graceEpoch >= 0)
        {
            if (!_readGrace.HaveLeft(_graceEpoch))
            {
                return;
            }

            _graceHorizon = _graceTarget;
            _graceEpoch = -1;
        }

        if (_graceTarget < _published.Version)
        {
            _graceTarget = _published.Version; // stored before the flip: readers entering after it see no older
            _graceEpoch = _readGrace.BeginGrace();
            if (_readGrace.HaveLeft(_graceEpoch))
            {
                _graceHorizon = _graceTarget;
                _graceEpoch = -1;
            }
        }
    }
}
