namespace FastS3.Http;

/// <summary>What the HTTP server calls for each request. The HTTP layer knows nothing of S3.</summary>
public interface IHttpApplication
{
    /// <summary>Handles one request: reads the body if it wants it and writes the whole response.
    /// Must not flush unless streaming a large body; the connection flushes once per batch.</summary>
    ValueTask ProcessRequestAsync(HttpContext context);

    /// <summary>Writes the answer to a request the HTTP layer refused (the connection closes after it).</summary>
    void WriteRejection(HttpResponse response, BadHttpRequestException rejection);
}
