using System.Diagnostics;

namespace FastS3.Engine.Paging;

/// <summary>
/// Page frames in pinned, aligned native memory over a <see cref="PageFile"/>: a page table
/// (page id -> frame), pin counts, a dirty bit per frame and clock (second-chance) eviction of
/// unpinned frames; a dirty victim is written back before its frame is reused.
/// </summary>
/// <remarks>
/// One lock guards the table and the per-frame state, and a miss reads the page under it: a
/// pin costs a dictionary lookup (~50 ns) and a miss a pread of 8 KiB (~5-20 us from the page
/// cache), so the lock is held briefly; page bytes are read and written by the pinning thread
/// outside it. Pinned frames are never evicted, so the tree pins only a few pages at a time.
/// </remarks>
internal sealed class BufferPool : IDisposable
{
    /// <summary>The fewest frames a pool gets: a tree update pins at most 3 pages, a cursor 1, with room for a reader or two.</summary>
    public const int MinimumFrames = 8;

    private const ulong EmptyFrame = ulong.MaxValue;

    private readonly PageFile _file;
    private readonly FrameMemory _memory;
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, int> _pageTable;
    private readonly ulong[] _framePage;
    private readonly int[] _pinCount;
    private readonly bool[] _dirty;
    private readonly bool[] _referenced;
    private int _clockHand;
    private long _hits;
    private long _misses;
    private long _evictions;
    private long _writeBacks;
    private int _dirtyCount;

    /// <summary>Creates a pool of <c>max(sizeBytes / 8 KiB, 8)</c> frames.</summary>
    public BufferPool(PageFile file, long sizeBytes)
    {
        _file = file;
        var frames = (int)Math.Clamp(sizeBytes / PageFile.PageSizeBytes, MinimumFrames, int.MaxValue / PageFile.PageSizeBytes);
        _memory = new FrameMemory(frames, PageFile.PageSizeBytes);
        _pageTable = new Dictionary<ulong, int>(frames);
        _framePage = new ulong[frames];
        Array.Fill(_framePage, EmptyFrame);
        _pinCount = new int[frames];
        _dirty = new bool[frames];
        _referenced = new bool[frames];
    }

    public int FrameCount => _framePage.Length;

    public PageFile File => _file;

    public BufferPoolStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                return new BufferPoolStatistics(_hits, _misses, _evictions, _writeBacks, _pageTable.Count, _dirtyCount);
            }
        }
    }

    /// <summary>Pins page <paramref name="pageId"/>, reading and checking it on a miss.</summary>
    /// <exception cref="PageCorruptionException">The page read from the file fails its checks (or is not of <paramref name="expectedType"/>).</exception>
    public PageHandle Pin(ulong pageId, PageType expectedType)
    {
        lock (_lock)
        {
            if (_pageTable.TryGetValue(pageId, out var frame))
            {
                _hits++;
                _pinCount[frame]++;
                _referenced[frame] = true;
                var type = PageHeader.ReadType(_memory.Frame(frame));
                if (expectedType != PageType.None && type != expectedType)
                {
                    _pinCount[frame]--;
                    throw new PageCorruptionException(pageId, $"page type {type}, expected {expectedType}");
                }

                return new PageHandle(this, frame, pageId);
            }

            _misses++;
            frame = TakeVictim();
            try
            {
                _file.Read(pageId, expectedType, _memory.Frame(frame));
            }
            catch
            {
                _memory.Frame(frame).Clear(); // nothing of a bad page stays readable
                throw;
            }

            Install(frame, pageId, dirty: false);
            return new PageHandle(this, frame, pageId);
        }
    }

    /// <summary>
    /// Pins a frame for a page the caller is about to write from scratch: zeroed, dirty, never read
    /// from the file (a fresh page's old bytes on disk belong to a freed page).
    /// </summary>
    public PageHandle Create(ulong pageId)
    {
        lock (_lock)
        {
            if (!_pageTable.TryGetValue(pageId, out var frame))
            {
                frame = TakeVictim();
                Install(frame, pageId, dirty: true);
            }
            else
            {
                Debug.Assert(_pinCount[frame] == 0, "a page being recreated is pinned by someone");
                _pinCount[frame] = 1;
                _referenced[frame] = true;
                MarkDirty(frame);
            }

            _memory.Frame(frame).Clear();
            return new PageHandle(this, frame, pageId);
        }
    }

    /// <summary>Drops a freed page's frame without writing it back: its content is garbage now.</summary>
    public void Discard(ulong pageId)
    {
        lock (_lock)
        {
            if (_pageTable.Remove(pageId, out var frame))
            {
                Debug.Assert(_pinCount[frame] == 0, "a freed page is still pinned");
                ClearFrame(frame);
            }
        }
    }

    /// <summary>Writes page <paramref name="pageId"/> to the file if it is resident and dirty (a checkpoint's flush).</summary>
    public void WriteBackIfDirty(ulong pageId)
    {
        lock (_lock)
        {
            if (_pageTable.TryGetValue(pageId, out var frame) && _dirty[frame])
            {
                WriteBack(frame);
            }
        }
    }

    /// <summary>Writes every dirty frame to the file (a clean close or a benchmark's setup).</summary>
    public void WriteBackAll()
    {
        lock (_lock)
        {
            for (var frame = 0; frame < _framePage.Length; frame++)
            {
                if (_dirty[frame])
                {
                    WriteBack(frame);
                }
            }
        }
    }

    public void Dispose() => _memory.Dispose();

    /// <summary>The frame's bytes; <see cref="PageHandle"/> calls this only while it holds a pin.</summary>
    internal Span<byte> FrameSpan(int frame)
    {
        Debug.Assert(Volatile.Read(ref _pinCount[frame]) > 0, "span of an unpinned frame");
        return _memory.Frame(frame);
    }

    internal void Unpin(int frame)
    {
        lock (_lock)
        {
            Debug.Assert(_pinCount[frame] > 0, "unpin without pin");
            _pinCount[frame]--;
        }
    }

    private void Install(int frame, ulong pageId, bool dirty)
    {
        _pageTable.Add(pageId, frame);
        _framePage[frame] = pageId;
        _pinCount[frame] = 1;
        _referenced[frame] = true;
        if (dirty)
        {
            MarkDirty(frame);
        }
    }

    private void MarkDirty(int frame)
    {
        if (!_dirty[frame])
        {
            _dirty[frame] = true;
            _dirtyCount++;
        }
    }

    /// <summary>
    /// Clock: sweep from the hand, giving each referenced frame a second chance; two full turns
    /// clear every reference bit, so a third finding nothing means every frame is pinned.
    /// </summary>
    private int TakeVictim()
    {
        var frames = _framePage.Length;
        for (var step = 0; step < 2 * frames + 1; step++)
        {
            var frame = _clockHand;
            _clockHand = frame + 1 == frames ? 0 : frame + 1;
            if (_framePage[frame] == EmptyFrame)
            {
                return frame;
            }

            if (_pinCount[frame] > 0)
            {
                continue;
            }

            if (_referenced[frame])
            {
                _referenced[frame] = false;
                continue;
            }

            if (_dirty[frame])
            {
                WriteBack(frame);
            }

            _evictions++;
            _pageTable.Remove(_framePage[frame]);
            ClearFrame(frame);
            return frame;
        }

        throw new InvalidOperationException($"all {frames} buffer-pool frames are pinned");
    }

    private void WriteBack(int frame)
    {
        Debug.Assert(_dirty[frame]);
        _file.Write(_framePage[frame], _memory.Frame(frame));
        _dirty[frame] = false;
        _dirtyCount--;
        _writeBacks++;
    }

    private void ClearFrame(int frame)
    {
        if (_dirty[frame])
        {
            _dirty[frame] = false;
            _dirtyCount--;
        }

        _framePage[frame] = EmptyFrame;
        _pinCount[frame] = 0;
        _referenced[frame] = false;
    }
}
