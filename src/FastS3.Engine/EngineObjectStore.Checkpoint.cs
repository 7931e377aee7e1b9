using System.Diagnostics;
using FastS3.Engine.Checkpoints;
using FastS3.Engine.Index;
using FastS3.Engine.State;

namespace FastS3.Engine;

public sealed partial class EngineObjectStore
{
    private readonly Lock _checkpointLock = new();
    private readonly ManualResetEventSlim _checkpointWake;
    private readonly Thread _checkpointThread;
    private ulong _checkpointedLsn; // under _checkpointLock

    /// <summary>Checkpoints written by this instance.</summary>
    public int CheckpointCount { get; private set; }

    /// <summary>
    /// The checkpointer: a dedicated low-priority thread (serializing the index and the fsyncs
    /// would stall request threads), waking every <see cref="EngineOptions.CheckpointInterval"/>.
    /// </summary>
    private void CheckpointLoop() =>
        RunPeriodically(_checkpointWake, _options.CheckpointInterval, "checkpoint", () => WriteCheckpoint());

    /// <summary>
    /// The body of the engine's background threads: run <paramref name="work"/> every
    /// <paramref name="interval"/> (or only when woken, if it is not positive) until the store
    /// closes. An I/O failure is logged and retried next time: neither a checkpoint nor a
    /// compaction pass changes anything durable before its replacement is durable.
    /// </summary>
    private void RunPeriodically(ManualResetEventSlim wake, TimeSpan interval, string what, Action work)
    {
        while (true)
        {
            if (interval <= TimeSpan.Zero)
            {
                wake.Wait();
            }
            else
            {
                wake.Wait(interval);
            }

            if (Volatile.Read(ref _closed) != 0)
            {
                return;
            }

            try
            {
                work();
            }
            catch (IOException exception)
            {
                _options.Log?.Invoke($"engine: {what} failed ({exception.Message}); will retry in {interval}");
            }
        }
    }

    /// <summary>
    /// Checkpoints the visible state (durable commits only, so the checkpoint can never get ahead
    /// of the log): flushes the object tree's pages of that version and fsyncs them, then replaces
    /// the checkpoint (buckets, uploads, live bytes and the tree's record) durably. The state and
    /// the tree version are immutable: writers keep going while it is written. A fuzzy checkpoint
    /// in the ARIES sense: no writer waits, and recovery redoes from its LSN.
    /// </summary>
    private bool WriteCheckpoint(bool force = false, bool closing = false)
    {
        lock (_checkpointLock)
        {
            if (!closing && Volatile.Read(ref _closed) != 0)
            {
                return false;
            }

            if (_options.Durability != Wal.Durability.Fsync)
            {
                // With Durability.Os the visible state may hold commits still only in the page cache;
                // a checkpoint fsynced ahead of them would, after a power cut, name extents the log
                // lost and make new appends reuse LSNs below its redo point. Until the WAL can force
                // a flush on demand, Os mode recovers by replaying the whole log.
                return false;
            }

            if (!force && Volatile.Read(ref _visibleState).AppliedLsn == _checkpointedLsn)
            {
                return false;
            }

            var started = _clock.GetTimestamp();
            EngineState state;
            IndexCheckpointCapture capture;
            try
            {
                lock (_publishLock)
                {
                    // The tree's visible version and the visible state change together under this lock.
                    state = _visibleState;
                    capture = _objects.Tree.BeginCheckpoint();
                }
            }
            catch (InvalidOperationException exception)
            {
                // An earlier flush of index pages failed its fsync: which pages reached the disk is
                // unknown, so no checkpoint may build on them until the store is reopened (it then
                // recovers from the last durable checkpoint and the log, which still has everything).
                _options.Log?.Invoke($"engine: checkpoint refused ({exception.Message}); reopen the store to checkpoint again");
                return false;
            }

            Debug.Assert(ReferenceEquals(capture.Version, state.Objects), "the captured tree version is the visible state's");
            Debug.Assert(state.AppliedLsn <= _wal.DurableLsn, "the visible state holds durable commits only");
            var length = 0;
            _objects.Tree.WriteCheckpoint(capture, record =>
            {
                var bytes = CheckpointCodec.Encode(state, record, _clock.GetUtcNow());
                _checkpoints.WriteDurable(bytes);
                length = bytes.Length;
            });
            _checkpointedLsn = state.AppliedLsn;
            CheckpointCount++;
            _options.Log?.Invoke($"engine: checkpoint at LSN {state.AppliedLsn}: {capture.Pages.Count} index pages and {length} bytes in {_clock.GetElapsedTime(started).TotalMilliseconds:F0} ms");
            return true;
        }
    }
}
