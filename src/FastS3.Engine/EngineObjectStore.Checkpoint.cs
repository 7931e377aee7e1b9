using System.Diagnostics;
using FastS3.Engine.Checkpoints;

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
    /// Serializes the visible state (durable commits only, so the checkpoint can never get ahead
    /// of the log) and replaces the checkpoint durably. The state is an immutable snapshot:
    /// writers keep going while it is written.
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

            var state = Volatile.Read(ref _visibleState);
            Debug.Assert(state.AppliedLsn <= _wal.DurableLsn, "the visible state holds durable commits only");
            if (!force && state.AppliedLsn == _checkpointedLsn)
            {
                return false;
            }

            var started = _clock.GetTimestamp();
            var bytes = CheckpointCodec.Encode(state, _clock.GetUtcNow());
            _checkpoints.WriteDurable(bytes);
            _checkpointedLsn = state.AppliedLsn;
            CheckpointCount++;
            _options.Log?.Invoke($"engine: checkpoint at LSN {state.AppliedLsn}: {bytes.Length} bytes in {_clock.GetElapsedTime(started).TotalMilliseconds:F0} ms");
            return true;
        }
    }
}
