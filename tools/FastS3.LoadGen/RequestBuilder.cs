using System.Globalization;
using FastS3.Auth;
using FastS3.Auth.SigV4;

namespace FastS3.LoadGen;

/// <summary>
/// Builds complete request heads as bytes, signed with SigV4 (UNSIGNED-PAYLOAD) or anonymous.
/// Called before the measured loop (one head per key and method) so the loop only copies bytes;
/// multipart parts, whose upload id is known only at run time, are built on the fly.
/// </summary>
public sealed class RequestBuilder
{
    private readonly SigV4Signer? _signer;
    private readonly string _host;

    public RequestBuilder(LoadOptions options)
    {
        _host = options.Endpoint.HostHeader;
        _signer = options.Anonymous ? null : new SigV4Signer(options.AccessKey, options.SecretKey, options.Region, "s3");
    }

    public SigV4Signer? Signer => _signer;

    public string Host => _host;

    public static string ObjectPath(string bucket, string key) =>
        "/" + Uri.EscapeDataString(bucket) + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    /// <param name="path">Percent-encoded path.</param>
    /// <param name="query">Raw query, parameters sorted, values encoded; "" for none.</param>
    /// <param name="contentLength">Body length; -1 for requests without a body.</param>
    public byte[] Build(string method, string path, string query = "", long contentLength = -1)
    {
        var head = new BufferedRequestHead(method, path, query).Add("Host", _host);
        if (contentLength >= 0)
        {
            head.Add("Content-Length", contentLength.ToString(CultureInfo.InvariantCulture));
        }

        if (_signer is not null)
        {
            var now = DateTimeOffset.UtcNow;
            head.Add("x-amz-content-sha256", "UNSIGNED-PAYLOAD").Add("x-amz-date", SigV4Signer.FormatAmzDate(now));
            var signature = _signer.Sign(head, now, "UNSIGNED-PAYLOAD");
            head.Add("Authorization", signature.Authorization);
        }

        return head.ToHttpBytes();
    }
}
