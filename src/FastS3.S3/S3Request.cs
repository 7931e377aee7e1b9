using FastS3.Common.Errors;
using FastS3.Http;
using FastS3.S3.Routing;

namespace FastS3.S3;

/// <summary>One routed S3 request: which operation, on which bucket and key.</summary>
public sealed class S3Request
{
    private readonly byte[] _requestIdBytes = new byte[16];
    private System.IO.Pipelines.PipeReader? _body;
    private string? _requestId;
    private byte[] _lastBucketRaw = [];
    private string? _lastBucket;
    private byte[] _lastKeyRaw = [];
    private string? _lastKey;
    private int _lastKeyBytes;
    private byte[] _lastQueryRaw = [];
    private QueryString? _lastQuery;

    /// <summary>One per connection (kept in <see cref="HttpContext.Features"/>), reset per request,
    /// so a request on a warm connection allocates no routing state.</summary>
    public S3Request(HttpContext http)
    {
        Http = http;
    }

    public HttpContext Http { get; }

    /// <summary>The request id as 16 hex digits, for the x-amz-request-id header.</summary>
    public ReadOnlySpan<byte> RequestIdBytes => _requestIdBytes;

    /// <summary>The request id as text (error bodies and logs; allocates once per request that asks).</summary>
    public string RequestId => _requestId ??= System.Text.Encoding.ASCII.GetString(_requestIdBytes);

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

    internal void Reset(long requestId)
    {
        Operation = default;
        Bucket = null;
        Key = null;
        Query = QueryString.Empty;
        UnsupportedName = null;
        AccessKey = null;
        Auth = default;
        _body = null;
        _requestId = null;
        System.Buffers.Text.Utf8Formatter.TryFormat(requestId, _requestIdBytes, out _, new System.Buffers.StandardFormat('X', 16));
    }

    /// <summary>Decodes the bucket segment, reusing the previous request's string when the bytes
    /// are the same (a keep-alive client usually talks to one bucket).</summary>
    internal bool TryDecodeBucket(ReadOnlySpan<byte> raw, out string bucket)
    {
        if (_lastBucket is not null && raw.SequenceEqual(_lastBucketRaw))
        {
            bucket = _lastBucket;
            return true;
        }

        if (!QueryString.TryDecodePath(raw, out bucket, out _))
        {
            return false;
        }

        _lastBucketRaw = raw.ToArray();
        _lastBucket = bucket;
        return true;
    }

    /// <summary>Parses the query, reusing the previous request's result for the same bytes (a client
    /// repeating one presigned URL sends the same query every time). A parsed query is never mutated.</summary>
    internal QueryString ParseQuery(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
        {
            return QueryString.Empty;
        }

        if (_lastQuery is not null && raw.SequenceEqual(_lastQueryRaw))
        {
            return _lastQuery;
        }

        var parsed = QueryString.Parse(raw);
        _lastQueryRaw = raw.ToArray();
        _lastQuery = parsed;
        return parsed;
    }

    /// <summary>Decodes the key, reusing the previous request's string for the same bytes.</summary>
    internal bool TryDecodeKey(ReadOnlySpan<byte> raw, out string key, out int byteLength)
    {
        if (_lastKey is not null && raw.SequenceEqual(_lastKeyRaw))
        {
            key = _lastKey;
            byteLength = _lastKeyBytes;
            return true;
        }

        if (!QueryString.TryDecodePath(raw, out key, out byteLength))
        {
            return false;
        }

        _lastKeyRaw = raw.ToArray();
        _lastKey = key;
        _lastKeyBytes = byteLength;
        return true;
    }
}
