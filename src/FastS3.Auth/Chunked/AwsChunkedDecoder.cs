using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using FastS3.Auth.Checksums;
using FastS3.Auth.Internal;
using FastS3.Auth.SigV4;

namespace FastS3.Auth.Chunked;

/// <summary>
/// Incremental decoder for aws-chunked bodies (S3 API Reference, "Transferring Payload in
/// Multiple Chunks" and "...Including Trailing Headers"):
/// <c>&lt;hex-size&gt;[;chunk-signature=&lt;64 hex&gt;]\r\n&lt;data&gt;\r\n</c> ... <c>0[;chunk-signature=...]\r\n</c>,
/// then trailer lines <c>name:value\r\n</c> and a closing <c>\r\n</c>.
/// </summary>
/// <remarks>
/// Kestrel-parser style: each <see cref="Decode"/> call works on a <see cref="SequenceReader{T}"/>
/// over whatever body bytes have arrived. Data comes back as slices of that input (no copy) and
/// is consumed as returned; a framing line that has not fully arrived is not consumed at all
/// (<see cref="AwsChunkedStatus.NeedMoreData"/>), so the caller can
/// <c>AdvanceTo(reader.Position, buffer.End)</c> and call again with more. Bad input never
/// throws: it ends in <see cref="AwsChunkedStatus.Error"/> with <see cref="Error"/> set.
/// <para>
/// Data of a chunk is handed out before that chunk's signature can be checked (the signature
/// covers the whole chunk, which may be megabytes); the chunk is verified when its trailing CRLF
/// arrives. So the caller must treat data as provisional until <see cref="AwsChunkedStatus.Completed"/>
/// and discard everything on <see cref="AwsChunkedStatus.Error"/>, as S3 does.
/// </para>
/// <para>
/// The reader must hold only this body (the HTTP layer bounds it by Content-Length): bytes after
/// the final CRLF are an error, not the next request. One instance per body; reuse with
/// <see cref="Reset"/>. Not thread-safe.
/// </para>
/// </remarks>
public sealed class AwsChunkedDecoder : IDisposable
{
    /// <summary>
    /// Longest chunk-size field, in hex digits after leading zeros: 15 digits (just under 2^60)
    /// keeps arithmetic far from long overflow; no real chunk is near it.
    /// </summary>
    public const int MaxChunkSizeDigits = 15;

    /// <summary>
    /// Longest chunk extension (';chunk-signature=' + 64 hex is 81 bytes). Prevents a peer from
    /// making the server buffer an endless chunk-header line waiting for its LF (memory
    /// exhaustion before any signature is checked).
    /// </summary>
    public const int MaxChunkExtensionBytes = 256;

    /// <summary>Whole chunk-header line limit: leading zeros plus size digits plus extension.</summary>
    public const int MaxChunkLineBytes = 32 + MaxChunkExtensionBytes;

    /// <summary>
    /// Largest trailer section (all trailer lines). Prevents unbounded buffering of trailers,
    /// which arrive after all data and must be held to be hashed; real ones are under 200 bytes.
    /// </summary>
    public const int MaxTrailerBytes = 16 * 1024;

    private static ReadOnlySpan<byte> ChunkSignatureExtension => ";chunk-signature="u8;

    private static ReadOnlySpan<byte> TrailerSignatureName => "x-amz-trailer-signature"u8;

    private readonly IncrementalHash _chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _trailerHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _lineBuffer = new byte[MaxTrailerBytes + 2];
    private readonly byte[] _previousSignature = new byte[32];
    private readonly byte[] _claimedSignature = new byte[32];
    private readonly byte[] _trailerChecksum = new byte[64];

    private State _state;
    private PayloadMode _mode;
    private ChunkSigningContext? _signing;
    private long _expectedDecodedLength;
    private ChecksumAlgorithm _expectedTrailer;
    private long _chunkRemaining;
    private int _trailerBytes;
    private bool _trailerSignatureSeen;
    private int _trailerChecksumLength;

    /// <summary>Creates a decoder; call <see cref="Reset"/> before the first body.</summary>
    public AwsChunkedDecoder()
    {
        _state = State.Failed;
        Error = AwsChunkedError.IncompleteBody;
    }

    private enum State
    {
        ChunkHeader,
        ChunkData,
        ChunkDataEnd,
        TrailerLine,
        Done,
        Failed,
    }

    public AwsChunkedError Error { get; private set; }

    /// <summary>Decoded data bytes returned so far.</summary>
    public long DecodedLength { get; private set; }

    /// <summary>Chunk headers parsed so far (the failing chunk's 1-based number after an error in it).</summary>
    public int ChunkCount { get; private set; }

    /// <summary>Algorithm of the x-amz-checksum-* trailer received, None if none.</summary>
    public ChecksumAlgorithm TrailerChecksumAlgorithm { get; private set; }

    /// <summary>Base64 value of the x-amz-checksum-* trailer as received (valid until the next Reset).</summary>
    public ReadOnlySpan<byte> TrailerChecksumValue => _trailerChecksum.AsSpan(0, _trailerChecksumLength);

    /// <summary>
    /// Prepares for a new body.
    /// </summary>
    /// <param name="mode">From <see cref="AuthResult.PayloadMode"/>: which framing features are required.</param>
    /// <param name="signing">From <see cref="AuthResult.Chunking"/>; required for the signed streaming modes.</param>
    /// <param name="decodedContentLength">x-amz-decoded-content-length, or -1 when absent.</param>
    /// <param name="expectedTrailer">The checksum named by the x-amz-trailer header, or None.</param>
    public void Reset(PayloadMode mode, ChunkSigningContext? signing, long decodedContentLength = -1, ChecksumAlgorithm expectedTrailer = ChecksumAlgorithm.None)
    {
        if (mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer && signing is null)
        {
            throw new ArgumentNullException(nameof(signing), "Signed streaming modes need the chunk signing context.");
        }

        _mode = mode;
        _signing = signing;
        _expectedDecodedLength = decodedContentLength;
        _expectedTrailer = expectedTrailer;
        _state = State.ChunkHeader;
        _chunkRemaining = 0;
        _trailerBytes = 0;
        _trailerSignatureSeen = false;
        _trailerChecksumLength = 0;
        TrailerChecksumAlgorithm = ChecksumAlgorithm.None;
        Error = AwsChunkedError.None;
        DecodedLength = 0;
        ChunkCount = 0;
        signing?.SeedSignature.CopyTo(_previousSignature);
        Span<byte> discard = stackalloc byte[32];
        _chunkHash.GetHashAndReset(discard);
        _trailerHash.GetHashAndReset(discard);
    }

    private bool SignedChunks => _mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer;

    /// <summary>
    /// Decodes as far as the input allows.
    /// </summary>
    /// <param name="reader">Body bytes; advanced past what was consumed.</param>
    /// <param name="data">On <see cref="AwsChunkedStatus.Data"/>: decoded bytes, a slice of the reader's sequence.</param>
    /// <param name="isFinalBlock">True when no more body bytes will ever come: running out is then <see cref="AwsChunkedError.IncompleteBody"/>.</param>
    public AwsChunkedStatus Decode(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> data, bool isFinalBlock = false)
    {
        data = default;
        while (true)
        {
            switch (_state)
            {
                case State.ChunkHeader:
                    {
                        if (!TryReadLine(ref reader, MaxChunkLineBytes, AwsChunkedError.ChunkLineTooLong, out var line, out var lineError))
                        {
                            return lineError != AwsChunkedError.None ? Fail(lineError) : NeedMore(isFinalBlock);
                        }

                        ChunkCount++;
                        var headerError = ParseChunkHeader(line);
                        if (headerError != AwsChunkedError.None)
                        {
                            return Fail(headerError);
                        }

                        if (_chunkRemaining == 0)
                        {
                            if (!VerifyChunk())
                            {
                                return Fail(AwsChunkedError.ChunkSignatureMismatch);
                            }

                            if (_expectedDecodedLength >= 0 && DecodedLength != _expectedDecodedLength)
                            {
                                return Fail(AwsChunkedError.DecodedLengthMismatch);
                            }

                            _state = State.TrailerLine;
                        }
                        else
                        {
                            _state = State.ChunkData;
                        }

                        break;
                    }

                case State.ChunkData:
                    {
                        if (reader.End)
                        {
                            return NeedMore(isFinalBlock);
                        }

                        var take = Math.Min(_chunkRemaining, reader.Remaining);
                        data = reader.UnreadSequence.Slice(0, take);
                        if (SignedChunks)
                        {
                            AppendChunkData(data);
                        }

                        reader.Advance(take);
                        _chunkRemaining -= take;
                        DecodedLength += take;
                        if (_chunkRemaining == 0)
                        {
                            _state = State.ChunkDataEnd;
                        }

                        return AwsChunkedStatus.Data;
                    }

                case State.ChunkDataEnd:
                    {
                        if (!reader.TryPeek(out var cr))
                        {
                            return NeedMore(isFinalBlock);
                        }

                        if (cr != '\r')
                        {
                            return Fail(AwsChunkedError.MissingCrlfAfterData);
                        }

                        if (!reader.TryPeek(1, out var lf))
                        {
                            return NeedMore(isFinalBlock);
                        }

                        if (lf != '\n')
                        {
                            return Fail(AwsChunkedError.MissingCrlfAfterData);
                        }

                        reader.Advance(2);
                        if (!VerifyChunk())
                        {
                            return Fail(AwsChunkedError.ChunkSignatureMismatch);
                        }

                        _state = State.ChunkHeader;
                        break;
                    }

                case State.TrailerLine:
                    {
                        if (!TryReadLine(ref reader, MaxTrailerBytes - _trailerBytes, AwsChunkedError.TrailerTooLarge, out var line, out var lineError))
                        {
                            return lineError != AwsChunkedError.None ? Fail(lineError) : NeedMore(isFinalBlock);
                        }

                        if (line.IsEmpty)
                        {
                            var endError = FinishTrailers();
                            if (endError != AwsChunkedError.None)
                            {
                                return Fail(endError);
                            }

                            _state = State.Done;
                            break;
                        }

                        _trailerBytes += line.Length + 2;
                        var trailerError = ParseTrailerLine(line);
                        if (trailerError != AwsChunkedError.None)
                        {
                            return Fail(trailerError);
                        }

                        break;
                    }

                case State.Done:
                    return reader.End ? AwsChunkedStatus.Completed : Fail(AwsChunkedError.DataAfterEnd);

                default:
                    return AwsChunkedStatus.Error;
            }
        }
    }

    public void Dispose()
    {
        _chunkHash.Dispose();
        _trailerHash.Dispose();
    }

    private AwsChunkedStatus NeedMore(bool isFinalBlock) =>
        isFinalBlock ? Fail(AwsChunkedError.IncompleteBody) : AwsChunkedStatus.NeedMoreData;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private AwsChunkedStatus Fail(AwsChunkedError error)
    {
        Error = error;
        _state = State.Failed;
        return AwsChunkedStatus.Error;
    }

    private void AppendChunkData(in ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment)
        {
            _chunkHash.AppendData(data.FirstSpan);
            return;
        }

        foreach (var segment in data)
        {
            _chunkHash.AppendData(segment.Span);
        }
    }

    /// <summary>Checks the just-finished chunk's signature and moves the chain on (no-op for unsigned modes).</summary>
    private bool VerifyChunk()
    {
        if (!SignedChunks)
        {
            return true;
        }

        Span<byte> dataHash = stackalloc byte[32];
        Span<byte> computed = stackalloc byte[32];
        _chunkHash.GetHashAndReset(dataHash);
        _signing!.ComputeChunkSignature(_previousSignature, dataHash, computed);
        if (!CryptographicOperations.FixedTimeEquals(computed, _claimedSignature))
        {
            return false;
        }

        computed.CopyTo(_previousSignature);
        return true;
    }

    private AwsChunkedError ParseChunkHeader(ReadOnlySpan<byte> line)
    {
        var semi = line.IndexOf((byte)';');
        var sizeText = semi < 0 ? line : line[..semi];
        if (sizeText.IsEmpty)
        {
            return AwsChunkedError.InvalidChunkSize;
        }

        long size = 0;
        var significant = 0;
        foreach (var c in sizeText)
        {
            var d = Hex.Value(c);
            if (d < 0)
            {
                return AwsChunkedError.InvalidChunkSize;
            }

            if (significant > 0 || d != 0)
            {
                if (++significant > MaxChunkSizeDigits)
                {
                    return AwsChunkedError.ChunkSizeOverflow;
                }
            }

            size = (size << 4) | (uint)d;
        }

        var extension = semi < 0 ? default : line[semi..];
        if (extension.Length > MaxChunkExtensionBytes)
        {
            return AwsChunkedError.ChunkLineTooLong;
        }

        if (SignedChunks)
        {
            if (extension.IsEmpty)
            {
                return AwsChunkedError.MissingChunkSignature;
            }

            if (!extension.StartsWith(ChunkSignatureExtension) || !Hex.TryDecode(extension[ChunkSignatureExtension.Length..], _claimedSignature))
            {
                return AwsChunkedError.MalformedChunkExtension;
            }
        }

        if (_expectedDecodedLength >= 0 && size > _expectedDecodedLength - DecodedLength)
        {
            return AwsChunkedError.DecodedLengthExceeded;
        }

        _chunkRemaining = size;
        return AwsChunkedError.None;
    }

    private AwsChunkedError ParseTrailerLine(ReadOnlySpan<byte> line)
    {
        if (_mode == PayloadMode.StreamingSigned || _trailerSignatureSeen)
        {
            // No trailers in this mode; nothing may follow the trailer signature.
            return AwsChunkedError.MalformedTrailer;
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return AwsChunkedError.MalformedTrailer;
        }

        var name = line[..colon];
        var value = line[(colon + 1)..].Trim(" \t"u8);
        if (name.ContainsAny(" \t\r"u8) || value.Contains((byte)'\r'))
        {
            return AwsChunkedError.MalformedTrailer;
        }

        if (Ascii8.EqualsIgnoreCase(name, TrailerSignatureName))
        {
            if (_mode != PayloadMode.StreamingSignedTrailer)
            {
                return AwsChunkedError.MalformedTrailer;
            }

            Span<byte> claimed = stackalloc byte[32];
            if (!Hex.TryDecode(value, claimed))
            {
                return AwsChunkedError.MalformedTrailer;
            }

            // Trailer string to sign ends with SHA-256 of the trailer lines, each
            // "name:value\n" (S3 API Reference, "...Including Trailing Headers"), chained from
            // the final zero-length chunk's signature.
            Span<byte> trailerHash = stackalloc byte[32];
            Span<byte> computed = stackalloc byte[32];
            _trailerHash.GetHashAndReset(trailerHash);
            _signing!.ComputeTrailerSignature(_previousSignature, trailerHash, computed);
            if (!CryptographicOperations.FixedTimeEquals(computed, claimed))
            {
                return AwsChunkedError.TrailerSignatureMismatch;
            }

            _trailerSignatureSeen = true;
            return AwsChunkedError.None;
        }

        _trailerHash.AppendData(name);
        _trailerHash.AppendData(":"u8);
        _trailerHash.AppendData(value);
        _trailerHash.AppendData("\n"u8);

        var algorithm = ChecksumNames.FromHeaderName(name);
        if (algorithm != ChecksumAlgorithm.None)
        {
            if (TrailerChecksumAlgorithm != ChecksumAlgorithm.None || value.Length > _trailerChecksum.Length)
            {
                return AwsChunkedError.MalformedTrailer;
            }

            TrailerChecksumAlgorithm = algorithm;
            value.CopyTo(_trailerChecksum);
            _trailerChecksumLength = value.Length;
        }

        return AwsChunkedError.None;
    }

    private AwsChunkedError FinishTrailers()
    {
        if (_mode == PayloadMode.StreamingSignedTrailer && !_trailerSignatureSeen)
        {
            return AwsChunkedError.MissingTrailerSignature;
        }

        if (_expectedTrailer != ChecksumAlgorithm.None && TrailerChecksumAlgorithm != _expectedTrailer)
        {
            return AwsChunkedError.MissingTrailerChecksum;
        }

        return AwsChunkedError.None;
    }

    /// <summary>
    /// Reads one CRLF-terminated line of at most <paramref name="maxLength"/> bytes (CRLF not
    /// counted). Consumes it only when complete. A lone LF is an error: accepting it would let
    /// two parsers (ours and a proxy's) disagree on where a line ends.
    /// </summary>
    private bool TryReadLine(ref SequenceReader<byte> reader, int maxLength, AwsChunkedError tooLong, out ReadOnlySpan<byte> line, out AwsChunkedError error)
    {
        line = default;
        error = AwsChunkedError.None;
        var window = maxLength + 2;
        var span = reader.UnreadSpan;
        var lf = span[..Math.Min(span.Length, window)].IndexOf((byte)'\n');
        if (lf >= 0)
        {
            if (lf == 0 || span[lf - 1] != '\r')
            {
                error = AwsChunkedError.BareLineFeed;
                return false;
            }

            line = span[..(lf - 1)];
            reader.Advance(lf + 1);
            return true;
        }

        if (span.Length >= window)
        {
            error = tooLong;
            return false;
        }

        return TryReadLineMultiSegment(ref reader, window, tooLong, out line, out error);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryReadLineMultiSegment(ref SequenceReader<byte> reader, int window, AwsChunkedError tooLong, out ReadOnlySpan<byte> line, out AwsChunkedError error)
    {
        line = default;
        error = AwsChunkedError.None;
        var available = (int)Math.Min(reader.Remaining, window);
        var copy = _lineBuffer.AsSpan(0, available);
        reader.UnreadSequence.Slice(0, available).CopyTo(copy);
        var lf = copy.IndexOf((byte)'\n');
        if (lf < 0)
        {
            if (available >= window)
            {
                error = tooLong;
            }

            return false;
        }

        if (lf == 0 || copy[lf - 1] != '\r')
        {
            error = AwsChunkedError.BareLineFeed;
            return false;
        }

        line = copy[..(lf - 1)];
        reader.Advance(lf + 1);
        return true;
    }
}
