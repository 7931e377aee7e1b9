using System.Diagnostics;

namespace FastS3.Engine.Index;

/// <summary>
/// Checkpoints: flush the pages of one visible version, fsync, then durably record
/// (root, applied LSN, free pages). The version is immutable, so the flush runs while the
/// writer continues; until the record is durable the previous checkpoint's pages stay untouched.
/// </summary>
internal sealed partial class BTree
{
    /// <summary>Captures and writes a checkpoint of the visible version in one call. Writer only.</summary>
    public void Checkpoint() => WriteCheckpoint(BeginCheckpoint());

    /// <summary>
    /// Captures a checkpoint of the visible version (writer only, between changes): holds the
    /// version, takes the pages sealed into it since the last capture, and lists every page it
    /// does not reach: the free list, pages retired before it, and pages of later versions, sealed
    /// or not (on reopen they are all free; none is leaked).
    /// </summary>
    /// <exception cref="InvalidOperationException">A checkpoint is running, or an earlier one failed.</exception>
    public IndexCheckpointCapture BeginCheckpoint()
    {
        lock (_lock)
        {
            if (_checkpointFailure is not null)
            {
                // After a failed fsync the kernel may have dropped the dirty pages it could not write
                // (Linux marks them clean): which pages are on disk is unknown, so no later checkpoint
                // may build on them. Reopen from the last durable checkpoint and replay the log.
                throw new InvalidOperationException("an earlier index checkpoint failed; reopen from the last durable one", _checkpointFailure);
            }

            if (_checkpointRunning)
            {
                throw new InvalidOperationException("an index checkpoint is already running");
            }

            var published = _published;
            var free = new List<ulong>(_freePages.Count + _retired.Count + _unpublished.Count);
            free.AddRange(_freePages);

            // Retired before this version: not reached from its root. Listed free, and never
            // flushed by it: such a page may be reclaimed and rewritten by the writer while the
            // checkpoint runs (a page younger than the last checkpoint is freed once readers leave).
            var retiredBefore = new HashSet<ulong>();
            foreach (var (lastVersion, pageId, _) in _retired)
            {
                if (lastVersion < published.Version)
                {
                    retiredBefore.Add(pageId);
                }
            }

            foreach (var (lastVersion, pageId) in _awaitingCheckpoint)
            {
                if (lastVersion < published.Version)
                {
                    retiredBefore.Add(pageId);
                }
            }

            foreach (var (lastVersion, pageId, _) in _heldBySnapshot)
            {
                if (lastVersion < published.Version)
                {
                    retiredBefore.Add(pageId);
                }
            }

            free.AddRange(retiredBefore);

            // What the checkpoint flushes: pages sealed up to its version that its root reaches,
            // all held by the capture until it is written. Pages of versions sealed after the
            // visible one (not visible yet) and pages not sealed at all are not reached from this
            // checkpoint's root either; the former stay listed for the checkpoint of their own version.
            var pages = new List<ulong>(_uncheckpointed.Count);
            var later = new Dictionary<ulong, ulong>();
            foreach (var (pageId, version) in _uncheckpointed)
            {
                if (version <= published.Version)
                {
                    if (!retiredBefore.Contains(pageId))
                    {
                        pages.Add(pageId);
                    }
                }
                else
                {
                    later.Add(pageId, version);
                    free.Add(pageId);
                }
            }

            _uncheckpointed = later;
            free.AddRange(_unpublished);
            Debug.Assert(free.Distinct().Count() == free.Count, "a page listed free twice");
            var record = IndexCheckpointRecord.Encode(published.RootPageId, published.AppliedLsn, _pageCount, published.EntryCount, free, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            _readers[published.Version] = _readers.GetValueOrDefault(published.Version) + 1;
            _checkpointRunning = true;
            return new IndexCheckpointCapture(published, pages, record);
        }
    }

    /// <summary>
    /// Makes a captured checkpoint durable: writes its dirty pages, fsyncs the page file, then
    /// replaces the checkpoint record (temp, fsync, rename, fsync directory). Any thread.
    /// </summary>
    public void WriteCheckpoint(IndexCheckpointCapture capture) => WriteCheckpoint(capture, record => _device.WriteMetadataDurable(record));

    /// <summary>
    /// As <see cref="WriteCheckpoint(IndexCheckpointCapture)"/>, but the record is made durable by
    /// <paramref name="persistRecord"/> (the engine writes it inside its own checkpoint, after the
    /// pages are synced); the checkpoint counts once that returns.
    /// </summary>
    public void WriteCheckpoint(IndexCheckpointCapture capture, Action<byte[]> persistRecord)
    {
        var version = capture.Version.Version;
        try
        {
            foreach (var page in capture.Pages)
            {
                _pool.WriteBackIfDirty(page);
            }

            _file.Sync(); // also covers pages written back earlier by eviction
        }
        catch (Exception exception)
        {
            lock (_lock)
            {
                _checkpointFailure = exception;
                _checkpointRunning = false;
            }

            Release(version);
            throw;
        }

        try
        {
            persistRecord(capture.Record);
        }
        catch
        {
            // The pages are durable; only the record is not (a durable replace leaves the old one
            // or, if it failed after the rename, the new one: either root's pages are intact, as
            // the old checkpoint's pages are still not reclaimed). The next checkpoint retries,
            // flushing these pages again with its own.
            lock (_lock)
            {
                foreach (var page in capture.Pages)
                {
                    _uncheckpointed.TryAdd(page, version);
                }

                AgeLocked(version); // the record may have reached the disk after all: keep what it reaches
                _checkpointRunning = false;
            }

            Release(version);
            throw;
        }

        lock (_lock)
        {
            Debug.Assert(version >= _checkpointVersion, "checkpoints never move back");
            _checkpointVersion = version;
            AgeLocked(version);
            CheckpointLsn = capture.Version.AppliedLsn;
            _checkpointRunning = false;
        }

        Release(version); // reclaims what only the previous checkpoint still reached
    }
}
