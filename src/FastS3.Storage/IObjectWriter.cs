namespace FastS3.Storage;

/// <summary>
/// One object (or part) being written. Bytes go in as they stream from the client; nothing is
/// visible until <see cref="CommitAsync"/> succeeds. Disposing without a commit discards the
/// data (the upload was refused: bad digest, bad signature, client gone).
/// </summary>
public interface IObjectWriter : IAsyncDisposable
{
    long BytesWritten { get; }

    ValueTask<StoreResult<bool>> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes the object visible (durably, for a persistent store) if <paramref name="condition"/> holds.</summary>
    ValueTask<StoreResult<ObjectInfo>> CommitAsync(ObjectInfo info, WriteCondition condition, CancellationToken cancellationToken);
}
