using System.Buffers;

namespace FastS3.Http;

/// <summary>
/// Incremental decoder for <c>Transfer-Encoding: chunked</c> (RFC 9112 §7.1). Stateless between
/// calls except for the explicit fields below; each call consumes only whole syntactic units
/// (a size line, data, a CRLF, a trailer line) and returns "need more" otherwise.
/// Refuses, and the connection then closes: non-hex or overflowing sizes, bare LF, a missing CRLF
/// after chunk data, an overlong size line (extensions) and an oversized trailer section.
/// </summary>
public struct ChunkedDecoder
{
    private State _state;
    private long _chunkRemaining;
    private int _trailerBytes;

    public readonly bool IsCompleted => _state == State.Done;

    /// <summary>
    /// Decodes from <paramref name="reader"/>. Returns true with a data slice (possibly empty)
    /// when progress was made, false when more input is needed (nothing consumed).
    /// </summary>
    public bool TryDecode(ref SequenceReader<byte> reader, HttpLimits limits, out ReadOnlySequence<byte> data)
    {
        data = default;
        while (true)
        {
            switch (_state)
            {
                case State.Size:
                    if (!TryReadLine(ref reader, limits.MaxChunkLineBytes, RequestRejectionReason.ChunkLineTooLong, out var line))
                    {
                        return false;
                    }

                    _chunkRemaining = ParseChunkSize(line);
                    _state = _chunkRemaining == 0 ? State.Trailer : State.Data;
                    continue;

                case State.Data:
                    if (reader.Remaining == 0)
                    {
                        return false;
                    }

                    var take = Math.Min(_chunkRemaining, reader.Remaining);
                    data = reader.UnreadSequence.Slice(0, take);
                    reader.Advance(take);
                    _chunkRemaining -= take;
                    if (_chunkRemaining == 0)
                    {
                        _state = State.DataCrlf;
                    }

                    return true;

                case State.DataCrlf:
                    if (reader.Remaining < 2)
                    {
                        return false;
                    }

                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        BadHttpRequestException.Throw(RequestRejectionReason.MissingChunkTerminator);
                    }

                    _state = State.Size;
                    continue;

                case State.Trailer:
                    if (!TryReadLine(ref reader, limits.MaxTrailerBytes, RequestRejectionReason.TrailerTooLarge, out var trailer))
                    {
                        return false;
                    }

                    _trailerBytes += (int)trailer.Length + 2;
                    if (_trailerBytes > limits.MaxTrailerBytes)
                    {
                        BadHttpRequestException.Throw(RequestRejectionReason.TrailerTooLarge);
                    }

                    if (trailer.Length == 0)
                    {
                        _state = State.Done;
                        return true;
                    }

                    ValidateTrailer(trailer);
                    continue;

                case State.Done:
                    return true;
            }
        }
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, int maxBytes, RequestRejectionReason tooLong, out ReadOnlySequence<byte> line)
    {
        if (!reader.TryReadTo(out line, (byte)'\n', advancePastDelimiter: true))
        {
            if (reader.Remaining > maxBytes)
            {
                BadHttpRequestException.Throw(tooLong);
            }

            return false;
        }

        if (line.Length == 0 || !EndsWithCr(line))
        {
            BadHttpRequestException.Throw(RequestRejectionReason.BareLineFeed);
        }

        if (line.Length - 1 > maxBytes)
        {
            BadHttpRequestException.Throw(tooLong);
        }

        line = line.Slice(0, line.Length - 1);
        return true;
    }

    private static bool EndsWithCr(in ReadOnlySequence<byte> line)
    {
        var last = line.Slice(line.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }

    /// <summary>Parses <c>1*HEXDIG [ chunk-ext ]</c>; refuses overflow (more than 15 hex digits would
    /// exceed a long) and any non-hex before the extension.</summary>
    private static long ParseChunkSize(in ReadOnlySequence<byte> line)
    {
        Span<byte> scratch = stackalloc byte[32];
        var head = line.Length > scratch.Length ? line.Slice(0, scratch.Length) : line;
        head.CopyTo(scratch);
        var span = scratch[..(int)head.Length];

        long size = 0;
        var digits = 0;
        foreach (var b in span)
        {
            var v = HexValue(b);
            if (v < 0)
            {
                if (digits > 0 && b is (byte)';' or (byte)' ' or (byte)'\t')
                {
                    break;
                }

                BadHttpRequestException.Throw(RequestRejectionReason.InvalidChunkSize, span);
            }

            if (++digits > 15)
            {
                BadHttpRequestException.Throw(RequestRejectionReason.InvalidChunkSize, span);
            }

            size = (size << 4) | (uint)v;
        }

        if (digits == 0)
        {
            BadHttpRequestException.Throw(RequestRejectionReason.InvalidChunkSize, span);
        }

        return size;
    }

    private static void ValidateTrailer(in ReadOnlySequence<byte> line)
    {
        var first = line.FirstSpan;
        if (first.Length == 0 || first[0] is (byte)' ' or (byte)'\t')
        {
            BadHttpRequestException.Throw(RequestRejectionReason.InvalidTrailer);
        }

        if (line.PositionOf((byte)':') is null)
        {
            BadHttpRequestException.Throw(RequestRejectionReason.InvalidTrailer);
        }
    }

    internal static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private enum State : byte
    {
        Size,
        Data,
        DataCrlf,
        Trailer,
        Done,
    }
}
