using System.Text;
using FastS3.Common.Errors;
using FastS3.Http;
using FastS3.S3.Routing;
using FastS3.S3.Xml;
using FastS3.Storage;
using Microsoft.Extensions.Logging;

namespace FastS3.S3;

/// <summary>
/// The S3 front end: resolves addressing, routes, authenticates and dispatches each request to
/// its operation over an <see cref="IObjectStore"/>. Operations live in the partial files
/// <c>S3Application.*.cs</c>, one concern each.
/// </summary>
public sealed partial class S3Application : IHttpApplication
{
    private static long _requestCounter = Random.Shared.NextInt64() & 0x0000_FFFF_FFFF_FFFF;

    private readonly IObjectStore _store;
    private readonly S3Options _options;
    private readonly IS3Authenticator _authenticator;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly byte[][] _virtualHostDomains;

    public S3Application(IObjectStore store, S3Options options, IS3Authenticator authenticator, ILogger logger, TimeProvider? clock = null)
    {
        _store = store;
        _options = options;
        _authenticator = authenticator;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _virtualHostDomains = [.. options.VirtualHostDomains.Select(Encoding.ASCII.GetBytes)];
    }

    public async ValueTask ProcessRequestAsync(HttpContext context)
    {
        if (context.Features is not S3Request request)
        {
            request = new S3Request(context);
            context.Features = request;
        }

        request.Reset(Interlocked.Increment(ref _requestCounter));
        try
        {
            Resolve(request);
            await _authenticator.AuthenticateAsync(request);
            await DispatchAsync(request);
        }
        catch (S3Exception ex)
        {
            if (context.Response.HasStarted)
            {
                throw;
            }

            WriteError(request, ex.Code, ex.Message, ex.Extra);
        }
    }

    public void WriteRejection(HttpResponse response, BadHttpRequestException rejection)
    {
        var code = rejection.Status switch
        {
            414 => S3ErrorCode.UriTooLong,
            431 => S3ErrorCode.RequestHeaderSectionTooLarge,
            501 => S3ErrorCode.NotImplemented,
            _ => S3ErrorCode.BadRequest,
        };
        var xml = new XmlOut();
        WriteErrorXml(xml, code, rejection.Message, null, NextRequestId());
        response.Start(rejection.Status);
        response.Header("Content-Type"u8, "application/xml"u8);
        response.EndHeaders(xml.Length);
        response.WriteBody(xml.WrittenSpan);
    }

    private ValueTask DispatchAsync(S3Request r) => r.Operation switch
    {
        S3Operation.MethodNotAllowed => throw new S3Exception(S3ErrorCode.MethodNotAllowed),
        S3Operation.NotImplemented => throw new S3Exception(S3ErrorCode.NotImplemented, $"The '{r.UnsupportedName}' sub-resource is not implemented."),
        S3Operation.ListBuckets => ListBuckets(r),
        S3Operation.CreateBucket => CreateBucketAsync(r),
        S3Operation.DeleteBucket => DeleteBucketAsync(r),
        S3Operation.HeadBucket => HeadBucket(r),
        S3Operation.GetBucketLocation => GetBucketLocation(r),
        S3Operation.GetBucketVersioning => GetBucketVersioning(r),
        S3Operation.ListObjects => ListObjects(r, v2: false, versions: false),
        S3Operation.ListObjectsV2 => ListObjects(r, v2: true, versions: false),
        S3Operation.ListObjectVersions => ListObjects(r, v2: false, versions: true),
        S3Operation.ListMultipartUploads => ListMultipartUploads(r),
        S3Operation.DeleteObjects => DeleteObjectsAsync(r),
        S3Operation.PutObject => PutObjectAsync(r),
        S3Operation.CopyObject => CopyObjectAsync(r),
        S3Operation.GetObject => GetObjectAsync(r),
        S3Operation.HeadObject => GetObjectAsync(r),
        S3Operation.DeleteObject => DeleteObjectAsync(r),
        S3Operation.CreateMultipartUpload => CreateMultipartUploadAsync(r),
        S3Operation.UploadPart => UploadPartAsync(r),
        S3Operation.UploadPartCopy => UploadPartCopyAsync(r),
        S3Operation.CompleteMultipartUpload => CompleteMultipartUploadAsync(r),
        S3Operation.AbortMultipartUpload => AbortMultipartUploadAsync(r),
        S3Operation.ListParts => ListParts(r),
        _ => throw new S3Exception(S3ErrorCode.NotImplemented),
    };

    /// <summary>Finds bucket and key (virtual-host or path style), the sub-resource, and the operation.</summary>
    private void Resolve(S3Request r)
    {
        var head = r.Head;
        var path = head.Path;
        string? bucket = null;
        var rest = path.Length > 0 ? path[1..] : path;

        var host = head.Host;
        var colon = host.LastIndexOf((byte)':');
        if (colon > 0 && host.IndexOf((byte)']') < colon)
        {
            host = host[..colon];
        }

        foreach (var d in _virtualHostDomains)
        {
            if (host.Length > d.Length + 1 && Ascii.EqualsIgnoreCase(host[^d.Length..], d) && host[^(d.Length + 1)] == (byte)'.')
            {
                bucket = Encoding.ASCII.GetString(host[..^(d.Length + 1)]);
                break;
            }
        }

        string? key = null;
        if (bucket is null && !rest.IsEmpty)
        {
            var slash = rest.IndexOf((byte)'/');
            var bucketBytes = slash < 0 ? rest : rest[..slash];
            if (!r.TryDecodeBucket(bucketBytes, out bucket))
            {
                throw new S3Exception(S3ErrorCode.InvalidBucketName);
            }

            rest = slash < 0 ? default : rest[(slash + 1)..];
        }

        if (bucket is not null && !rest.IsEmpty)
        {
            if (!r.TryDecodeKey(rest, out key, out var keyBytes))
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, "Object key is not valid UTF-8 or has a malformed escape.");
            }

            if (keyBytes > _options.MaxKeyBytes)
            {
                throw new S3Exception(S3ErrorCode.KeyTooLongError);
            }
        }

        r.Bucket = bucket;
        r.Key = key;
        r.Query = r.ParseQuery(head.Query);
        var target = bucket is null ? RouteTarget.Service : key is null ? RouteTarget.Bucket : RouteTarget.Object;
        var sub = ClassifySubResource(r);
        var copy = head.IndexOf("x-amz-copy-source"u8) >= 0;
        r.Operation = S3Router.Route(head.KnownMethod, target, sub, copy);
        if (bucket is not null && r.Operation is not S3Operation.CreateBucket && !BucketNames.IsValid(bucket) && !BucketNames.IsLegacyValid(bucket))
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName);
        }
    }

    private static SubResource ClassifySubResource(S3Request r)
    {
        var result = SubResource.None;
        var pairs = r.Query.Pairs;
        for (var i = 0; i < pairs.Count; i++)
        {
            var (name, value) = pairs[i];
            var sub = name switch
            {
                "uploadId" => SubResource.UploadId,
                "uploads" => SubResource.Uploads,
                "delete" => SubResource.Delete,
                "location" => SubResource.Location,
                "versioning" => SubResource.Versioning,
                "versions" => SubResource.Versions,
                "list-type" when value == "2" => SubResource.ListTypeV2,
                _ when UnsupportedSubResources.Contains(name) => SubResource.Unsupported,
                _ => SubResource.None,
            };

            if (sub == SubResource.Unsupported)
            {
                r.UnsupportedName = name;
            }

            if (Rank(sub) > Rank(result))
            {
                result = sub;
            }
        }

        return result;
    }

    /// <summary>Which sub-resource decides when a query names several: uploadId travels with
    /// partNumber and others, and an unbuilt sub-resource must not fall through to a listing.</summary>
    private static int Rank(SubResource sub) => sub switch
    {
        SubResource.UploadId => 8,
        SubResource.Uploads => 7,
        SubResource.Delete => 6,
        SubResource.Location => 5,
        SubResource.Versioning => 4,
        SubResource.Versions => 3,
        SubResource.Unsupported => 2,
        SubResource.ListTypeV2 => 1,
        _ => 0,
    };

    /// <summary>S3 sub-resources recognized so the answer is an honest 501 naming them, not a silent GetObject.</summary>
    private static readonly HashSet<string> UnsupportedSubResources = new(StringComparer.Ordinal)
    {
        "acl", "policy", "policyStatus", "cors", "lifecycle", "tagging", "encryption", "website", "logging",
        "notification", "replication", "ownershipControls", "publicAccessBlock", "object-lock", "legal-hold",
        "retention", "accelerate", "requestPayment", "analytics", "inventory", "metrics", "intelligent-tiering",
        "select", "restore", "torrent", "attributes",
    };

    private static string NextRequestId()
    {
        var id = Interlocked.Increment(ref _requestCounter);
        return id.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private void WriteError(S3Request r, S3ErrorCode code, string? message, XmlExtra? extra = null)
    {
        var info = S3ErrorTable.Get(code);
        var response = r.Response;
        response.Start(info.Status);
        response.Header("x-amz-request-id"u8, r.RequestIdBytes);
        response.Header("Content-Type"u8, "application/xml"u8);
        if (code is S3ErrorCode.NoSuchBucket or S3ErrorCode.BucketAlreadyOwnedByYou && r.Bucket is not null)
        {
            response.Header("x-amz-bucket-region"u8, _options.Region);
        }

        if (response.IsHeadRequest)
        {
            response.EndHeaders(0);
            return;
        }

        // S3 names the missing thing in its own element (boto3 surfaces it as Error.BucketName / Error.Key).
        if (extra is null && code == S3ErrorCode.NoSuchBucket && r.Bucket is not null)
        {
            extra = new XmlExtra([new("BucketName", r.Bucket)]);
        }
        else if (extra is null && code == S3ErrorCode.NoSuchKey && r.Key is not null)
        {
            extra = new XmlExtra([new("Key", r.Key)]);
        }

        var xml = new XmlOut();
        WriteErrorXml(xml, code, message ?? info.Message, r.Resource, r.RequestId, extra);
        response.EndHeaders(xml.Length);
        response.WriteBody(xml.WrittenSpan);
        if (info.Status >= 500)
        {
            _logger.LogWarning("{Operation} {Resource} failed: {Code} {Message}", r.Operation, r.Resource, code, message);
        }
    }

    private static void WriteErrorXml(XmlOut xml, S3ErrorCode code, string message, string? resource, string requestId, XmlExtra? extra = null)
    {
        xml.Declaration().Open("Error")
            .Element("Code", S3ErrorTable.Get(code).Code)
            .Element("Message", message);
        if (resource is not null)
        {
            xml.Element("Resource", resource);
        }

        if (extra is not null)
        {
            foreach (var (name, value) in extra.Elements)
            {
                xml.Element(name, value);
            }
        }

        xml.Element("RequestId", requestId).Close("Error");
    }

    /// <summary>Writes a 200 (or other) XML response.</summary>
    private static void WriteXml(S3Request r, XmlOut xml, int status = 200)
    {
        var response = r.Response;
        response.Start(status);
        response.Header("x-amz-request-id"u8, r.RequestIdBytes);
        response.Header("Content-Type"u8, "application/xml"u8);
        response.EndHeaders(xml.Length);
        response.WriteBody(xml.WrittenSpan);
    }

    private static void WriteEmpty(S3Request r, int status)
    {
        var response = r.Response;
        response.Start(status);
        response.Header("x-amz-request-id"u8, r.RequestIdBytes);
        response.EndHeaders(0);
    }

    private static void Check<T>(StoreResult<T> result)
    {
        if (!result.IsSuccess)
        {
            throw new S3Exception(result.Error, result.Message);
        }
    }
}
