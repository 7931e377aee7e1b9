using System.Text;

namespace FastS3.Http.Tests;

/// <summary>Everything the parser reports about one head, as plain values so two parses compare with ==.</summary>
internal sealed record HeadSnapshot(
    string Method,
    RequestMethod KnownMethod,
    string Path,
    string Query,
    bool IsHttp11,
    string Headers,
    int HeaderCount,
    string Host,
    long ContentLength,
    bool IsChunked,
    bool ExpectContinue,
    bool ConnectionClose,
    int HeadLength)
{
    public static HeadSnapshot Of(HttpRequestHead head)
    {
        var headers = new StringBuilder();
        for (var i = 0; i < head.HeaderCount; i++)
        {
            headers.Append(Latin1(head.HeaderName(i))).Append(": ").Append(Latin1(head.HeaderValue(i))).Append('\n');
        }

        return new HeadSnapshot(
            Latin1(head.Method),
            head.KnownMethod,
            Latin1(head.Path),
            Latin1(head.Query),
            head.IsHttp11,
            headers.ToString(),
            head.HeaderCount,
            Latin1(head.Host),
            head.ContentLength,
            head.IsChunked,
            head.ExpectContinue,
            head.ConnectionClose,
            head.HeadLength);
    }

    public static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
