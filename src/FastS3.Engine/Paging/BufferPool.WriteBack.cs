namespace FastS3.Engine.Paging;

/// <summary>Write-back and the dirty word: whoever writes a frame holds a pin on it, so it cannot change hands mid-write.</summary>
internal sealed partial class BufferPool
{
    /// <summary>Writes the pinned frame back if it is dirty, then drops the pin.</summary>
    private void WriteBackAndUnpin(int frame, ulong pageId)
    {
        try
        {
            WriteBack(frame, pageId);
        }
        finally
        {
            Unpin(frame);
        }
    }

    /// <summary>
    /// Writes the pinned frame if dirty. If another thread is writing it, waits for that write
    /// (an eviction's sweep and a checkpoint can meet on one page): on return the page is on file,
    /// so a checkpoint may fsync. If that write fails, the page is dirty again and this one writes it.
    /// </summary>
    private void WriteBack(int frame, ulong pageId)
    {
        ref var dirty = ref _frames[frame].Dirty;
        var spin = default(SpinWait);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref dirty, Writing, Dirty);
            if (seen == Clean)
            {
                return;
            }

            if (seen == Writing)
            {
                spin.SpinOnce(sleep1Threshold: 20);
                continue;
            }

            try
            {
                _file.Write(pageId, _memory.Frame(frame));
            }
            catch
            {
                Volatile.Write(ref dirty, Dirty);
                throw;
            }

            Interlocked.Increment(ref _writeBacks);
            Interlocked.Decrement(ref _dirtyCount);
            Volatile.Write(ref dirty, Clean);
            return;
        }
    }

    /// <summary>Marks a pinned frame dirty (a resident page recreated); a write-back of its old bytes in progress finishes first.</summary>
    private void MarkDirty(int frame)
    {
        ref var dirty = ref _frames[frame].Dirty;
        var spin = default(SpinWait);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref dirty, Dirty, Clean);
            if (seen == Clean)
            {
                Interlocked.Increment(ref _dirtyCount);
                return;
            }

            if (seen == Dirty)
            {
                return;
            }

            spin.SpinOnce(sleep1Threshold: 20);
        }
    }
}
