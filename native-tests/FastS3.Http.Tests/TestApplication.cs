using System.Security.Cryptography;
using System.Text;

namespace FastS3.Http.Tests;

/// <summary>
/// A tiny application for connection tests. Paths:
/// <c>/hash</c> reads the whole body and answers its length and SHA-256;
/// <c>/deny</c> answers 403 without touching the body;
/// <c>/partial</c> reads once, then answers 403;
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

    private static void Answer(HttpResponse response, int status, string body)
    {
        var bytes = Encoding.ASCII.GetBytes(body);
        response.Start(status);
        response.EndHeaders(bytes.Length);
        response.WriteBody(bytes);
    }
}
