using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FastS3.Auth.Checksums;
using FastS3.Auth.SigV4;

namespace FastS3.Auth.Chunked;

/// <summary>
/// Produces aws-chunked bodies, signed or not, the way the AWS SDKs frame them. For tests,
/// benchmarks and the load generator; the server only decodes.
/// </summary>
public static class AwsChunkedEncoder
{
    /// <summary>
    /// Encodes <paramref name="data"/> into chunks whose sizes are taken from
    /// <paramref name="chunkSizes"/> in order (the last size repeats; zeros are skipped), then
    /// the final zero-length chunk, the trailer (when <paramref name="trailerChecksum"/> is set)
    /// and the closing CRLF.
    /// </summary>
    /// <param name="signing">Chunk signing chain; null for STREAMING-UNSIGNED-PAYLOAD-TRAILER framing.</param>
    public static byte[] Encode(ReadOnlySpan<byte> data, IReadOnlyList<int> chunkSizes, ChunkSigningContext? signing, ChecksumAlgorithm trailerChecksum = ChecksumAlgorithm.None)
    {
        using var output = new MemoryStream(data.Length + 256);
        Span<byte> previous = stackalloc byte[32];
        Span<byte> hash = stackalloc byte[32];
        Span<byte> signature = stackalloc byte[32];
        signing?.SeedSignature.CopyTo(previous);

        var offset = 0;
        var sizeIndex = 0;
        while (true)
        {
            var size = 0;
            if (offset < data.Length)
            {
                while (sizeIndex < chunkSizes.Count - 1 && chunkSizes[sizeIndex] <= 0)
                {
                    sizeIndex++;
                }

                size = Math.Min(Math.Max(chunkSizes[sizeIndex], 1), data.Length - offset);
                sizeIndex = Math.Min(sizeIndex + 1, chunkSizes.Count - 1);
            }

            var chunk = data.Slice(offset, size);
            Write(output, size.ToString("x", CultureInfo.InvariantCulture));
            if (signing is not null)
            {
                SHA256.HashData(chunk, hash);
                signing.ComputeChunkSignature(previous, hash, signature);
                signature.CopyTo(previous);
                Write(output, ";chunk-signature=" + Convert.ToHexStringLower(signature));
            }

            Write(output, "\r\n");
            if (size == 0)
            {
                break;
            }

            output.Write(chunk);
            Write(output, "\r\n");
            offset += size;
        }

        if (trailerChecksum != ChecksumAlgorithm.None)
        {
            var line = ChecksumNames.HeaderName(trailerChecksum) + ":" + ChecksumHasher.ComputeBase64(trailerChecksum, data);
            Write(output, line + "\r\n");
            if (signing is not null)
            {
                SHA256.HashData(Encoding.ASCII.GetBytes(line + "\n"), hash);
                signing.ComputeTrailerSignature(previous, hash, signature);
                Write(output, "x-amz-trailer-signature:" + Convert.ToHexStringLower(signature) + "\r\n");
            }
        }

        Write(output, "\r\n");
        return output.ToArray();
    }

    private static void Write(MemoryStream stream, string ascii) => stream.Write(Encoding.ASCII.GetBytes(ascii));
}
