using FastS3.Auth.Checksums;
using FastS3.Auth.Chunked;
using FastS3.Auth.SigV4;

namespace FastS3.Auth.Tests;

/// <summary>Signed aws-chunked bodies built with the library's signer, for decoder tests.</summary>
internal static class ChunkedFixture
{
    public static readonly DateTimeOffset Time = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly SigV4Signer Signer = new("AKIDCHUNKED", "chunked-secret");

    /// <summary>A chunk context as the server would derive it from a signed streaming request.</summary>
    public static ChunkSigningContext Context()
    {
        var head = new BufferedRequestHead("PUT", "/bucket/object").Add("Host", "localhost")
            .Add("X-Amz-Date", SigV4Signer.FormatAmzDate(Time))
            .Add("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
        var seed = Signer.Sign(head, Time, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
        return Signer.CreateChunkContext(seed, Time);
    }

    public static readonly ChunkSigningContext SharedContext = Context();

    public static byte[] Encode(byte[] data, int[] sizes, PayloadMode mode) => mode switch
    {
        PayloadMode.StreamingSigned => AwsChunkedEncoder.Encode(data, sizes, SharedContext),
        PayloadMode.StreamingSignedTrailer => AwsChunkedEncoder.Encode(data, sizes, SharedContext, ChecksumAlgorithm.Crc32C),
        _ => AwsChunkedEncoder.Encode(data, sizes, null, ChecksumAlgorithm.Crc64Nvme),
    };

    public static AwsChunkedDecoder Decoder(PayloadMode mode, long decodedLength)
    {
        var d = new AwsChunkedDecoder();
        d.Reset(mode, mode == PayloadMode.StreamingUnsignedTrailer ? null : SharedContext, decodedLength);
        return d;
    }
}
