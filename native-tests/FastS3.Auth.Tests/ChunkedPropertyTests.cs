using System.Buffers;
using FastS3.Auth.Chunked;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace FastS3.Auth.Tests;

/// <summary>
/// Properties of the decoder against the signer-driven encoder: round trip under any chunking
/// and any split of the input, and total robustness on arbitrary bytes.
/// </summary>
public class ChunkedPropertyTests
{
    private static readonly PayloadMode[] Modes = [PayloadMode.StreamingSigned, PayloadMode.StreamingSignedTrailer, PayloadMode.StreamingUnsignedTrailer];

    [Property(MaxTest = 200)]
    public bool Decode_of_encode_is_identity_for_any_chunk_sizes_and_splits(byte[] body, int[] sizes, int[] cuts, byte modeIndex)
    {
        var mode = Modes[modeIndex % Modes.Length];
        var chunkSizes = sizes.Length == 0 ? [7] : sizes.Select(s => (int)((uint)s % 300) + 1).ToArray();
        var encoded = ChunkedFixture.Encode(body, chunkSizes, mode);

        using var whole = ChunkedFixture.Decoder(mode, body.Length);
        var a = ChunkedDriver.Run(whole, encoded);

        using var split = ChunkedFixture.Decoder(mode, body.Length);
        var b = ChunkedDriver.Run(split, encoded, cuts.Select(c => (int)((uint)c % (uint)Math.Max(1, encoded.Length))));

        return a.Status == AwsChunkedStatus.Completed && b.Status == AwsChunkedStatus.Completed
            && a.Data.AsSpan().SequenceEqual(body) && b.Data.AsSpan().SequenceEqual(body);
    }

    [Property(MaxTest = 100)]
    public bool Byte_at_a_time_feeding_gives_the_same_result(byte[] body)
    {
        var encoded = ChunkedFixture.Encode(body, [13, 5], PayloadMode.StreamingSignedTrailer);
        using var decoder = ChunkedFixture.Decoder(PayloadMode.StreamingSignedTrailer, body.Length);
        var outcome = ChunkedDriver.Run(decoder, encoded, Enumerable.Range(1, encoded.Length));
        return outcome.Status == AwsChunkedStatus.Completed && outcome.Data.AsSpan().SequenceEqual(body);
    }

    /// <summary>Arbitrary bytes end in success or a named error, never an exception and never a hang.</summary>
    [Property(MaxTest = 500)]
    public bool Random_bytes_end_in_success_or_named_error(byte[] junk, int[] cuts, byte modeIndex)
    {
        var mode = (PayloadMode)(modeIndex % 5);
        using var decoder = new AwsChunkedDecoder();
        decoder.Reset(mode, mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer ? ChunkedFixture.SharedContext : null);
        var outcome = ChunkedDriver.Run(decoder, junk, cuts.Select(c => (int)((uint)c % (uint)Math.Max(1, junk.Length))));
        return outcome.Status == AwsChunkedStatus.Completed
            || (outcome.Status == AwsChunkedStatus.Error && outcome.Error != AwsChunkedError.None);
    }

    /// <summary>Mutating one byte of a valid signed body never yields different data reported as complete.</summary>
    [Property(MaxTest = 200)]
    public bool Any_single_byte_change_is_detected_or_harmless(byte[] body, int position, byte xor)
    {
        if (xor == 0)
        {
            xor = 1;
        }

        var encoded = ChunkedFixture.Encode(body, [11], PayloadMode.StreamingSignedTrailer);
        var index = (int)((uint)position % (uint)encoded.Length);
        encoded[index] ^= xor;
        using var decoder = ChunkedFixture.Decoder(PayloadMode.StreamingSignedTrailer, body.Length);
        var outcome = ChunkedDriver.Run(decoder, encoded);

        // Hex digits of signatures are case-insensitive, so flipping 0x20 on a letter is harmless.
        return outcome.Status != AwsChunkedStatus.Completed || outcome.Data.AsSpan().SequenceEqual(body);
    }

    [Fact]
    public void Fuzz_regression_empty_input_final_block_is_incomplete()
    {
        using var decoder = ChunkedFixture.Decoder(PayloadMode.StreamingSigned, -1);
        var reader = new SequenceReader<byte>(ReadOnlySequence<byte>.Empty);
        Assert.Equal(AwsChunkedStatus.Error, decoder.Decode(ref reader, out _, isFinalBlock: true));
        Assert.Equal(AwsChunkedError.IncompleteBody, decoder.Error);
    }
}
