using System.Diagnostics;

namespace FastS3.Engine.Index;

/// <summary>
/// Checkpoints: flush the pages of one published version, fsync, then durably record
/// (root, applied LSN, free pages). The version is immutable, so the flush runs while the
/// writer continues; until the record is durable the previous checkpoint's pages stay untouched.
/// </summary>
internal sealed partial class BTree
{
    /// <summary>Captures and writes a checkpoint of the published version in one call. Writer only.</summary>
    public void Checkpoint() => WriteCheckpoint(BeginCheckpoint());

    /// <summary>
    /// Captures a checkpoint of the published version (writer only, between changes): holds the
    /// version, takes the pages published since the last capture, and lists every page the version
    /// does not reach: the free list, pages retired before it, and pages the writer allocated
    /// since (on reopen they are all free; none is leaked).
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
            foreach (var (lastVersion, pageId) in _retired)
            {
                if (lastVersion < published.Version)
                {
                    free.Add(pageId);
                }
            }

            free.AddRange(_unpublished);
            var record = IndexCheckpointRecord.Encode(published.RootPageId, published.AppliedLsn, _pageCount, published.EntryCount, free, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            var pages = _uncheckpointed;
            _uncheckpointed = [];
            _readers[published.Version] = _readers.GetValueOrDefault(published.Version) + 1;
            _checkpointRunning = true;
            return new IndexCheckpointCapture(published, pages, record);
        }
    }

    /// <summary>
    /// Makes a captured checkpoint durable: writes its dirty pages, fsyncs the page file, then
    /// replaces the checkpoint record (temp, fsync, rename, fsync directory). Any thread.
    /// </summary>
    public void WriteCheckpoint(IndexCheckpointCapture capture)
    {
        var version = capture.Version.Version;
        try
        {
            foreach (var page in capture.Pages)
            {
                _pool.WriteBackIfDirty(page);
            }

            _file.Sync(); // also covers pages written back earlier by eviction
            _device.WriteMetadataDurable(capture.Record);
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

        lock (_lock)
        {
            Debug.Assert(version > _checkpointVersion || version == 1, "checkpoints move forward");
            _checkpointVersion = version;
            CheckpointLsn = capture.Version.AppliedLsn;
            _checkpointRunning = false;
        }

        Release(version); // reclaims what only the previous checkpoint still reached
    }
}
