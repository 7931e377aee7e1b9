namespace FastS3.Engine.Paging;

/// <summary>
/// Why a page read into a frame failed, kept for the threads that waited for that read: they see
/// the same error rather than reading the page again. <see cref="Claim"/> names the read.
/// </summary>
internal sealed class LoadFailure(long claim, Exception error)
{
    public long Claim { get; } = claim;

    /// <summary>
    /// Throws the failure to a waiter: a new exception of the same kind with the original inside
    /// (the original is being thrown on the reading thread; one object thrown on two threads would
    /// have its stack trace rewritten by both).
    /// </summary>
    public Exception ForWaiter() => error is PageCorruptionException corruption
        ? new PageCorruptionException(corruption.PageId, corruption.Message, corruption)
        : new IOException(error.Message, error);
}
