namespace FastS3.Storage;

/// <summary>A part being uploaded: same streaming contract as <see cref="IObjectWriter"/>.</summary>
public interface IPartWriter : IAsyncDisposable
{
    long BytesWritten { get; }

    ValueTask<StoreResult<bool>> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    ValueTask<StoreResult<PartInfo>> CommitAsync(string etag, ObjectChecksum? checksum, CancellationToken cancellationToken);
}
