using System.Diagnostics;
using FastS3.Common.Errors;
using FastS3.Common.Http;
using FastS3.Common.IO;
using FastS3.Engine.Format;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine;

public sealed partial class EngineObjectStore
{
    /// <summary>
    /// The one place the index changes: under <c>_commitLock</c>, decide against the write state,
    /// append the commit record, apply it. Deciding and appending in one critical section is what
    /// makes a conditional write atomic; the lock covers a memcpy into the mapping, never an fsync.
    /// </summary>
    private Appended AppendCommit(Func<EngineState, Plan> plan)
    {
        if (!TryEnter())
        {
            return new Appended(S3ErrorCode.SlowDown, "The store is closing.", 0);
        }

        try
        {
            lock (_commitLock)
            {
                var state = _writeState;
                var decided = plan(state);
                if (decided.Error != S3ErrorCode.None)
                {
                    return new Appended(decided.Error, decided.Message, 0);
                }

                if (decided.Mutation is not { } mutation)
                {
                    return new Appended(S3ErrorCode.None, null, 0);
                }

                if (mutation.IsClientWrite && IsOrchestrated)
                {
                    return OrchestratedWrite;
                }

                var indexPages = mutation.IndexPagesNeededAt(_objects);
                if (indexPages > 0 && ReserveIndexPages(indexPages) is { } full)
                {
                    return full; // nothing logged: the index could not get the pages this change needs
                }

                _commitEncoder.Reset();
                mutation.Encode(_commitEncoder);
                var result = _wal.Append(mutation.RecordType, _commitEncoder.Written);
                if (!result.IsOk)
                {
                    // Nothing was appended: the write state is untouched and the request fails cleanly.
                    return new Appended(MapWalStatus(result.Status), $"Commit record not written: {result.Status}.", 0);
                }

                Debug.Assert(result.Lsn > state.AppliedLsn, "commit LSNs increase under the commit lock");
                var next = mutation.Apply(state, result.Lsn, _objects).Sealed(_objects.Seal(result.Lsn));
                Debug.Assert(next.AppliedLsn == result.Lsn);
                _writeState = next;
                _pendingStates.Enqueue((result.Lsn, next));
                return new Appended(S3ErrorCode.None, null, result.Lsn);
            }
        }
        finally
        {
            Exit();
        }
    }

    private static readonly Appended OrchestratedWrite = new(S3ErrorCode.MethodNotAllowed, "This store takes writes from its orchestrator only (external LSN mode).", 0);

    /// <summary>
    /// Gives the index file blocks for the pages a change may allocate, before the change is
    /// logged: once its record is in the log, applying it must not fail (the write state would no
    /// longer match the log), and a page write-back into a hole on a full disk would.
    /// </summary>
    private Appended? ReserveIndexPages(int pages)
    {
        try
        {
            _objects.Tree.Reserve(pages);
            return null;
        }
        catch (IOException exception)
        {
            return new Appended(exception.HResult == FileAllocation.NoSpaceErrno ? S3ErrorCode.InsufficientStorage : S3ErrorCode.SlowDown, $"The index could not grow: {exception.Message}", 0);
        }
    }

    /// <summary>Waits until the commit is durable and visible, then answers <paramref name="value"/>.</summary>
    private async ValueTask<StoreResult<T>> FinishAsync<T>(Appended appended, T value)
    {
        if (appended.Error != S3ErrorCode.None)
        {
            return StoreResult<T>.Fail(appended.Error, appended.Message);
        }

        if (appended.Lsn != 0)
        {
            var error = await AwaitVisibleAsync(appended.Lsn);
            if (error != S3ErrorCode.None)
            {
                return StoreResult<T>.Fail(error, "The write could not be made durable.");
            }
        }

        return value;
    }

    /// <summary>Group commit: one WAL flush acknowledges every commit it covers; then publish them.</summary>
    private async ValueTask<S3ErrorCode> AwaitVisibleAsync(ulong commitLsn)
    {
        var status = await _wal.WaitDurableAsync(commitLsn);
        if (status != WalStatus.Ok)
        {
            return MapWalStatus(status);
        }

        PublishDurable();
        Debug.Assert(Volatile.Read(ref _visibleState).AppliedLsn >= commitLsn, "a durable commit is visible when its writer is answered");
        return S3ErrorCode.None;
    }

    /// <summary>Makes the newest write state whose commit LSN is durable the visible state.</summary>
    private void PublishDurable()
    {
        lock (_publishLock)
        {
            var durableLsn = _wal.DurableLsn;
            EngineState? latest = null;
            while (_pendingStates.TryPeek(out var pending) && pending.Lsn <= durableLsn)
            {
                _pendingStates.TryDequeue(out _);
                latest = pending.State;
            }

            if (latest is not null)
            {
                Debug.Assert(latest.AppliedLsn > Volatile.Read(ref _visibleState).AppliedLsn, "visible state only moves forward");

                // State first, then the tree: a reader that enters its read section after the tree's
                // grace period begins must find this state, whose tree version the grace protects.
                Volatile.Write(ref _visibleState, latest);
                _objects.MakeVisible(latest.Objects!);
            }
        }
    }

    /// <summary>
    /// Appends one body chunk as a data record behind its owner header (one gathered append, no
    /// copy); the chunk's location (the payload after the header) becomes an extent if the writer commits.
    /// </summary>
    internal S3ErrorCode AppendData(ReadOnlySpan<byte> ownerHeader, ReadOnlySpan<byte> chunk, out WalLocation location)
    {
        Debug.Assert(chunk.Length > 0 && chunk.Length <= _chunkSizeBytes);
        location = default;
        if (!TryEnter())
        {
            return S3ErrorCode.SlowDown;
        }

        try
        {
            var result = _wal.Append(EngineRecordType.Data, ownerHeader, chunk);
            if (!result.IsOk)
            {
                return MapWalStatus(result.Status);
            }

            Debug.Assert(result.Location.LengthBytes == ownerHeader.Length + chunk.Length);
            location = new WalLocation(result.Location.SegmentId, result.Location.Offset + ownerHeader.Length, chunk.Length);
            return S3ErrorCode.None;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Copies log bytes at <paramref name="location"/> into <paramref name="destination"/>.</summary>
    internal ExtentRead TryReadData(WalLocation location, Span<byte> destination)
    {
        Debug.Assert(destination.Length == location.LengthBytes);
        if (!TryEnter())
        {
            return ExtentRead.Closed;
        }

        try
        {
            var status = _wal.Read(location, destination);
            if (status == WalStatus.Unrecoverable)
            {
                // Found while streaming (a CRC-bad block in more shards than parity covers): the
                // reply is cut short, never filled with wrong bytes.
                throw new UnrecoverableDataException(location);
            }

            return status == WalStatus.Ok ? ExtentRead.Ok : Unreadable(location, status);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Sends log bytes at <paramref name="location"/> straight from the segment mapping to
    /// <paramref name="sink"/>, as far as the socket takes them now (<paramref name="sentBytes"/>),
    /// under a lease that ends before this returns: a slow client never holds a segment from being
    /// retired. <see cref="ExtentRead.NotMapped"/> for a segment the erasure-coded store holds
    /// instead: its blocks are checked on read, so those bytes go through <see cref="TryReadData"/>.
    /// </summary>
    internal ExtentRead TrySendData(WalLocation location, IDirectBodySink sink, out int sentBytes)
    {
        sentBytes = 0;
        if (!TryEnter())
        {
            return ExtentRead.Closed;
        }

        try
        {
            using var lease = _wal.AcquireRead(location);
            if (lease.Status == WalStatus.Offloaded)
            {
                return ExtentRead.NotMapped;
            }

            if (lease.Status != WalStatus.Ok)
            {
                return Unreadable(location, lease.Status);
            }

            sentBytes = sink.SendDirectNow(lease.Payload);
            Debug.Assert(sentBytes >= 0 && sentBytes <= location.LengthBytes);
            return ExtentRead.Ok;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>What a failed read of a visible object's extent means.</summary>
    private ExtentRead Unreadable(WalLocation location, WalStatus status)
    {
        if (status == WalStatus.NotFound && location.SegmentId < _wal.FirstSegmentId)
        {
            return ExtentRead.Released; // compaction moved or dropped this version; the reader re-resolves
        }

        // Anything else means the index names bytes the log does not have: a broken invariant.
        throw new InvalidOperationException($"extent {location} of a visible object is unreadable: {status}");
    }

    /// <summary>Registers a reader of log extents with the grace period compaction waits for.</summary>
    internal ReadGrace.Token EnterRead() => _readGrace.Enter();

    /// <summary>Pins the active segment before a body's first append (see <see cref="WriterPins"/>).</summary>
    internal ulong PinActiveSegment()
    {
        UpdateWriteStall(); // a body starts: the log may have grown past the budget
        var id = _wal.ActiveSegmentId;
        _writerPins.Pin(id);
        return id;
    }

    internal void UnpinSegment(ulong segmentId) => _writerPins.Unpin(segmentId);
}
