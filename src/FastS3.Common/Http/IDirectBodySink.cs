namespace FastS3.Common.Http;

/// <summary>
/// A response body destination that can take large bodies straight from where they live (a stored
/// array, a log segment mapping) instead of having them copied into the connection's pipe first:
/// the seam between the HTTP connection (which implements it over its socket) and object storage
/// (which knows where the bytes are). For a 1 MiB GET the copy into the pipe was 11-14% of the
/// server's CPU (PERFORMANCE.md, "The race").
/// <para>
/// Protocol: <see cref="TryBeginDirectAsync"/> first; while it holds (true, and nothing written to
/// the pipe since), <see cref="SendDirectAsync"/> and <see cref="SendDirectNow"/> put bytes on the
/// socket after everything written before. After writing to the pipe again, call
/// <see cref="TryBeginDirectAsync"/> before the next direct send.
/// </para>
/// </summary>
public interface IDirectBodySink
{
    /// <summary>
    /// Prepares to send <paramref name="lengthBytes"/> body bytes directly: flushes the pipe and
    /// reports whether the socket has already taken everything written before, so direct sends
    /// follow it in order. False (a body below the threshold, a HEAD, no socket under the
    /// connection, or the pipe still draining to a slow client): write through the pipe as usual.
    /// Completes synchronously, without flushing, when the body is below the threshold.
    /// </summary>
    ValueTask<bool> TryBeginDirectAsync(long lengthBytes, CancellationToken cancellationToken);

    /// <summary>Sends all of <paramref name="bytes"/> straight to the socket. The memory must stay
    /// valid and unchanged until the returned task completes (a stored, immutable array).</summary>
    ValueTask SendDirectAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>Sends what the socket takes now of <paramref name="bytes"/> without waiting, and
    /// returns how many it took (0 when its buffer is full). For bytes that are only valid while
    /// the caller holds a lease (a segment mapping): the rest goes through the pipe.</summary>
    int SendDirectNow(ReadOnlySpan<byte> bytes);
}
