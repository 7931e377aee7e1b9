using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using FastS3.Common.Http;

namespace FastS3.Http.Tests;

/// <summary>
/// A tiny application for connection tests. Paths:
/// <c>/hash</c> reads the whole body and answers its length and SHA-256;
/// <c>/deny</c> answers 403 without touching the body;
/// <c>/partial</c> reads once, then answers 403;
/// <c>/direct?N</c> answers N pattern bytes (<see cref="Pattern"/>) through <see cref="IDirectBodySink.SendDirectAsync"/>
/// when the response allows it, else through the pipe;
/// <c>/direct-now?N</c> the same through <see cref="IDirectBodySink.SendDirectNow"/> in 64 KiB pieces, each
/// piece's unsent rest through the pipe (how the engine sends from a segment mapping);
/// anything else answers 200 with "METHOD path?query".
/// Rejections are answered with their status and an X-Reason header.
/// </summary>
internal sealed class TestApplication : IHttpApplication
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask ProcessRequestAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var request = context.Request;
        var response = context.Response;
        var path = Encoding.ASCII.GetString(request.Path);
        switch (path)
        {
            case "/hash":
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                long length = 0;
                while (true)
                {
                    var result = await context.Body.ReadAsync();
                    foreach (var segment in result.Buffer)
                    {
                        sha.AppendData(segment.Span);
                        length += segment.Length;
                    }

                    context.Body.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        break;
                    }
                }

                Answer(response, 200, $"len={length} sha={Convert.ToHexStringLower(sha.GetHashAndReset())}");
                break;
            }

            case "/deny":
                Answer(response, 403, "denied");
                break;

            case "/partial":
            {
                var result = await context.Body.ReadAsync();
                context.Body.AdvanceTo(result.Buffer.End);
                Answer(response, 403, "partial");
                break;
            }

            case "/direct":
            case "/direct-now":
            {
                var body = Pattern(int.Parse(Encoding.ASCII.GetString(request.Query), System.Globalization.CultureInfo.InvariantCulture));
                response.Start(200);
                response.EndHeaders(body.Length);
                if (path == "/direct")
                {
                    await SendWholeAsync(response, body, context.Aborted);
                }
                else
                {
                    await SendNowAsync(response, body, context.Aborted);
                }

                response.AccountBody(body.Length);
                break;
            }

            default:
                Answer(response, 200, $"{request.MethodString} {path}?{Encoding.ASCII.GetString(request.Query)}");
                break;
        }
    }

    public void WriteRejection(HttpResponse response, BadHttpRequestException rejection)
    {
        response.Start(rejection.Status);
        response.Header("X-Reason"u8, rejection.Reason.ToString().AsSpan());
        response.EndHeaders(0);
    }

    /// <summary>Bytes that differ from their neighbours and repeat only every 251 bytes, so a
    /// misplaced or reordered piece shows.</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    private static async ValueTask SendWholeAsync(HttpResponse response, byte[] body, CancellationToken cancellationToken)
    {
        if (await response.TryBeginDirectAsync(body.Length, cancellationToken))
        {
            await response.SendDirectAsync(body, cancellationToken);
            return;
        }

        response.Writer.Write(body);
    }

    private static async ValueTask SendNowAsync(HttpResponse response, byte[] body, CancellationToken cancellationToken)
    {
        const int Step = 64 * 1024;
        var offset = 0;
        var sending = await response.TryBeginDirectAsync(body.Length, cancellationToken);
        while (offset < body.Length)
        {
            var piece = Math.Min(Step, body.Length - offset);
            if (sending)
            {
                var sent = response.SendDirectNow(body.AsSpan(offset, piece));
                offset += sent;
                piece -= sent;
                if (piece == 0)
                {
                    continue;
                }
            }

            response.Writer.Write(body.AsSpan(offset, piece));
            offset += piece;
            await response.FlushAsync(cancellationToken);
            sending = await response.TryBeginDirectAsync(body.Length - offset, cancellationToken);
        }
    }

    private static void Answer(HttpResponse response, int status, string body)
    {
        var bytes = Encoding.ASCII.GetBytes(body);
        response.Start(status);
        response.EndHeaders(bytes.Length);
        response.WriteBody(bytes);
    }
}
