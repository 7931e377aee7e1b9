using System.IO.Pipelines;
using FastS3.Common.Http;

namespace FastS3.Storage;

/// <summary>An object's bytes, readable by range. Holding it keeps that version readable even if
/// the key is overwritten or deleted meanwhile (readers never block writers).</summary>
public interface IObjectContent
{
    long Length { get; }

    /// <summary>Writes [<paramref name="offset"/>, +<paramref name="length"/>) into <paramref name="destination"/>,
    /// flushing as it goes for large ranges so the pipe applies back-pressure. With a
    /// <paramref name="direct"/> sink (a GET's response), a large range may go straight from where
    /// the bytes live to the socket instead.</summary>
    ValueTask CopyToAsync(PipeWriter destination, IDirectBodySink? direct, long offset, long length, CancellationToken cancellationToken);

    /// <summary>The bytes of [<paramref name="offset"/>, +<paramref name="length"/>) as a sequence of
    /// read-only chunks (server-side copies). A chunk is valid until the next one is requested.</summary>
    IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(long offset, long length, CancellationToken cancellationToken);
}
