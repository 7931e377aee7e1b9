using System.Net;

namespace FastS3.Http;

/// <summary>One request in flight: head, body and response. Owned and reused by its connection.</summary>
public sealed class HttpContext
{
    internal HttpContext(HttpRequestHead head, HttpBodyReader body, HttpResponse response, EndPoint? remote)
    {
        Request = head;
        Body = body;
        Response = response;
        RemoteEndPoint = remote;
    }

    public HttpRequestHead Request { get; }

    public HttpBodyReader Body { get; }

    public HttpResponse Response { get; }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Cancelled when the connection is aborted or a body read times out.</summary>
    public CancellationToken Aborted { get; internal set; }

    /// <summary>Per-connection slot for the application (e.g. its reusable per-request state); the
    /// connection never touches it, so the application resets what it keeps there per request.</summary>
    public object? Features { get; set; }
}
