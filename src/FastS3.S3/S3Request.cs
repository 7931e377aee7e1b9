using FastS3.Common.Errors;
using FastS3.Http;
using FastS3.S3.Routing;

namespace FastS3.S3;

/// <summary>One routed S3 request: which operation, on which bucket and key.</summary>
public sealed class S3Request
{
    private System.IO.Pipelines.PipeReader? _body;

    public required HttpContext Http { get; init; }

    public required string RequestId { get; init; }

    public S3Operation Operation { get; set; }

    public string? Bucket { get; set; }

    public string? Key { get; set; }

    public QueryString Query { get; set; } = QueryString.Empty;

    /// <summary>The unbuilt sub-resource named in the query, for the 501 message.</summary>
    public string? UnsupportedName { get; set; }

    /// <summary>The access key that signed the request, or null when anonymous.</summary>
    public string? AccessKey { get; set; }

    /// <summary>How the request authenticated: what its body must prove (payload hash, chunk signatures).</summary>
    public FastS3.Auth.AuthResult Auth { get; set; }

    public HttpRequestHead Head => Http.Request;

    /// <summary>The request body: the connection's body reader, or the buffered copy authentication
    /// had to read to verify the signature.</summary>
    public System.IO.Pipelines.PipeReader Body
    {
        get => _body ?? Http.Body;
        set => _body = value;
    }

    public HttpResponse Response => Http.Response;

    public CancellationToken Aborted => Http.Aborted;

    public string Resource => Bucket is null ? "/" : Key is null ? "/" + Bucket : "/" + Bucket + "/" + Key;

    public string? Header(ReadOnlySpan<byte> lowerName) => Head.GetHeaderString(lowerName);
}
