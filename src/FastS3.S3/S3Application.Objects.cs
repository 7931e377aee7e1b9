using System.Globalization;
using FastS3.Common.Errors;
using FastS3.Storage;

namespace FastS3.S3;

public sealed partial class S3Application
{
    private async ValueTask PutObjectAsync(S3Request r)
    {
        var length = DeclaredBodyLength(r);
        var contentMd5 = ParseContentMd5(r);
        var info = ObjectInfoFromHeaders(r, r.Key!);
        var condition = ReadWriteCondition(r);

        var begin = _store.BeginPut(r.Bucket!, r.Key!);
        Check(begin);
        await using var writer = begin.Value!;
        var digest = await ReceiveBodyAsync(r, length, writer.WriteAsync);
        if (contentMd5 is not null && !contentMd5.AsSpan().SequenceEqual(digest.Md5))
        {
            throw new S3Exception(S3ErrorCode.BadDigest);
        }

        var etag = "\"" + Convert.ToHexStringLower(digest.Md5) + "\"";
        var committed = await writer.CommitAsync(info with { Size = digest.Length, ETag = etag, Checksum = digest.Checksum }, condition, r.Aborted);
        Check(committed);

        var response = r.Response;
        response.Start(200);
        response.Header("x-amz-request-id"u8, r.RequestIdBytes);
        response.Header("ETag"u8, etag);
        WriteChecksumHeaders(response, digest.Checksum);
        response.EndHeaders(0);
    }

    private async ValueTask GetObjectAsync(S3Request r)
    {
        var found = _store.GetObject(r.Bucket!, r.Key!);
        Check(found);
        var obj = found.Value!;
        var info = obj.Info;

        var precondition = EvaluateReadConditions(r, info);
        if (precondition == 412)
        {
            throw new S3Exception(S3ErrorCode.PreconditionFailed);
        }

        var response = r.Response;
        if (precondition == 304)
        {
            response.Start(304);
            response.Header("x-amz-request-id"u8, r.RequestIdBytes);
            response.Header("ETag"u8, info.ETag);
            response.Header("Last-Modified"u8, info.LastModifiedHttpDate);
            response.EndHeaders(0);
            return;
        }

        long offset = 0;
        var length = info.Size;
        var status = 200;
        var range = r.Header("range"u8);
        var partNumberText = r.Query.Get("partNumber");
        if (partNumberText is not null)
        {
            // GET/HEAD ?partNumber=N serves one part of a multipart object (206); a single-part
            // object has exactly one part, itself.
            var partNumber = ParsePartNumber(r);
            if (range is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Cannot specify both Range header and partNumber query parameter.");
            }

            if (info.PartSizes.Count == 0)
            {
                if (partNumber != 1)
                {
                    throw new S3Exception(S3ErrorCode.InvalidPartNumber);
                }
            }
            else
            {
                if (partNumber > info.PartSizes.Count)
                {
                    throw new S3Exception(S3ErrorCode.InvalidPartNumber);
                }

                for (var i = 0; i < partNumber - 1; i++)
                {
                    offset += info.PartSizes[i];
                }

                length = info.PartSizes[partNumber - 1];
                status = 206;
            }
        }
        else if (range is not null)
        {
            switch (ByteRange.Parse(range, info.Size, out offset, out length))
            {
                case ByteRange.Result.Satisfiable:
                    status = 206;
                    break;
                case ByteRange.Result.Unsatisfiable:
                    response.Start(416);
                    response.Header("x-amz-request-id"u8, r.RequestIdBytes);
                    response.Header("Content-Range"u8, "bytes */" + info.Size.ToString(CultureInfo.InvariantCulture));
                    WriteErrorBodyOnly(r, S3ErrorCode.InvalidRange);
                    return;
                default:
                    offset = 0;
                    length = info.Size;
                    break;
            }
        }

        response.Start(status);
        response.Header("x-amz-request-id"u8, r.RequestIdBytes);
        WriteObjectHeaders(r, info, wholeObject: status == 200);
        response.Header("Accept-Ranges"u8, "bytes"u8);
        if (status == 206)
        {
            response.Header("Content-Range"u8, $"bytes {offset}-{offset + length - 1}/{info.Size}");
        }

        response.EndHeaders(length);
        if (response.IsHeadRequest || length == 0)
        {
            return;
        }

        await obj.Content.CopyToAsync(response.Writer, response, offset, length, r.Aborted);
        response.AccountBody(length);
    }

    private async ValueTask DeleteObjectAsync(S3Request r)
    {
        Check(await _store.DeleteObjectAsync(r.Bucket!, r.Key!, r.Aborted));
        WriteEmpty(r, 204);
    }

    /// <summary>Headers S3 returns for an object on GET and HEAD, with response-* query overrides.</summary>
    private static void WriteObjectHeaders(S3Request r, ObjectInfo info, bool wholeObject)
    {
        var response = r.Response;
        response.Header("ETag"u8, info.ETag);
        response.Header("Last-Modified"u8, info.LastModifiedHttpDate);
        response.Header("Content-Type"u8, r.Query.Get("response-content-type") ?? info.ContentType);
        WriteOptional(response, "Content-Encoding"u8, r.Query.Get("response-content-encoding") ?? info.ContentEncoding);
        WriteOptional(response, "Content-Disposition"u8, r.Query.Get("response-content-disposition") ?? info.ContentDisposition);
        WriteOptional(response, "Content-Language"u8, r.Query.Get("response-content-language") ?? info.ContentLanguage);
        WriteOptional(response, "Cache-Control"u8, r.Query.Get("response-cache-control") ?? info.CacheControl);
        WriteOptional(response, "Expires"u8, r.Query.Get("response-expires") ?? info.Expires);
        var metadata = info.UserMetadata;
        for (var i = 0; i < metadata.Count; i++)
        {
            var (name, value) = metadata[i];
            response.Header(System.Text.Encoding.ASCII.GetBytes("x-amz-meta-" + name), value);
        }

        if (info.PartsCount > 0)
        {
            response.Header("x-amz-mp-parts-count"u8, info.PartsCount);
        }

        // A full-object checksum describes the whole object; S3 omits it on range reads.
        if (wholeObject && info.Checksum is { } checksum && string.Equals(r.Header("x-amz-checksum-mode"u8), "ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            WriteChecksumHeaders(response, checksum);
        }

        response.Header("x-amz-storage-class"u8, info.StorageClass);
    }

    private static void WriteChecksumHeaders(FastS3.Http.HttpResponse response, ObjectChecksum checksum)
    {
        response.Header(System.Text.Encoding.ASCII.GetBytes("x-amz-checksum-" + checksum.Algorithm.ToLowerInvariant()), checksum.Value);
        response.Header("x-amz-checksum-type"u8, checksum.Type);
    }

    private static void WriteOptional(FastS3.Http.HttpResponse response, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            response.Header(name, value);
        }
    }

    /// <summary>RFC 9110 §13.2.2 order: If-Match, else If-Unmodified-Since; then If-None-Match, else If-Modified-Since.
    /// Returns 0 to proceed, 412 or 304.</summary>
    private static int EvaluateReadConditions(S3Request r, ObjectInfo info)
    {
        var ifMatch = r.Header("if-match"u8);
        if (ifMatch is not null)
        {
            if (!ETags.Match(ifMatch, info.ETag))
            {
                return 412;
            }
        }
        else if (TryParseHttpDate(r.Header("if-unmodified-since"u8), out var unmodifiedSince) && Truncate(info.LastModified) > unmodifiedSince)
        {
            return 412;
        }

        var ifNoneMatch = r.Header("if-none-match"u8);
        if (ifNoneMatch is not null)
        {
            if (ETags.Match(ifNoneMatch, info.ETag))
            {
                return 304;
            }
        }
        else if (TryParseHttpDate(r.Header("if-modified-since"u8), out var modifiedSince) && Truncate(info.LastModified) <= modifiedSince)
        {
            return 304;
        }

        return 0;
    }

    /// <summary>HTTP dates have one-second resolution; compare at that resolution.</summary>
    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), t.Offset);

    private static bool TryParseHttpDate(string? value, out DateTimeOffset date) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date) && value is not null;

    /// <summary>Reads If-None-Match: * / If-Match for a conditional write (S3 conditional writes).</summary>
    private static WriteCondition ReadWriteCondition(S3Request r)
    {
        var ifNoneMatch = r.Header("if-none-match"u8);
        if (ifNoneMatch is not null && ifNoneMatch.Trim() != "*")
        {
            throw new S3Exception(S3ErrorCode.NotImplemented, "If-None-Match on a write only supports '*'.");
        }

        return new WriteCondition(ifNoneMatch is not null, r.Header("if-match"u8));
    }

    /// <summary>Object metadata from request headers: content headers and x-amz-meta-*.</summary>
    private ObjectInfo ObjectInfoFromHeaders(S3Request r, string key)
    {
        var head = r.Head;
        List<KeyValuePair<string, string>>? meta = null;
        var metaBytes = 0;
        string? contentType = null, contentEncoding = null, disposition = null, language = null, cacheControl = null, expires = null;
        for (var i = 0; i < head.HeaderCount; i++)
        {
            var name = head.HeaderName(i);
            if (name.Length > 11 && System.Text.Ascii.EqualsIgnoreCase(name[..11], "x-amz-meta-"u8))
            {
                var metaName = System.Text.Encoding.ASCII.GetString(name[11..]).ToLowerInvariant();
                var value = System.Text.Encoding.UTF8.GetString(head.HeaderValue(i));
                metaBytes += metaName.Length + value.Length;
                (meta ??= []).Add(new(metaName, value));
                continue;
            }

            var v = head.HeaderValue(i);
            if (System.Text.Ascii.EqualsIgnoreCase(name, "content-type"u8))
            {
                contentType = System.Text.Encoding.UTF8.GetString(v);
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "content-encoding"u8))
            {
                contentEncoding = StripAwsChunked(System.Text.Encoding.UTF8.GetString(v));
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "content-disposition"u8))
            {
                disposition = System.Text.Encoding.UTF8.GetString(v);
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "content-language"u8))
            {
                language = System.Text.Encoding.UTF8.GetString(v);
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "cache-control"u8))
            {
                cacheControl = System.Text.Encoding.UTF8.GetString(v);
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(name, "expires"u8))
            {
                expires = System.Text.Encoding.UTF8.GetString(v);
            }
        }

        if (metaBytes > _options.MaxUserMetadataBytes)
        {
            throw new S3Exception(S3ErrorCode.MetadataTooLarge);
        }

        return new ObjectInfo
        {
            Key = key,
            Size = 0,
            ETag = string.Empty,
            LastModified = _clock.GetUtcNow(),
            ContentType = string.IsNullOrEmpty(contentType) ? "binary/octet-stream" : contentType,
            ContentEncoding = contentEncoding,
            ContentDisposition = disposition,
            ContentLanguage = language,
            CacheControl = cacheControl,
            Expires = expires,
            UserMetadata = (IReadOnlyList<KeyValuePair<string, string>>?)meta ?? [],
        };
    }

    /// <summary><c>aws-chunked</c> describes the upload framing, not the object: it is removed from the
    /// stored Content-Encoding and any other codings stay (S3 "Using aws-chunked encoding").</summary>
    private static string? StripAwsChunked(string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        return parts.Length == 0 ? null : string.Join(",", parts);
    }

    /// <summary>For errors that already wrote their status line and special headers.</summary>
    private static void WriteErrorBodyOnly(S3Request r, S3ErrorCode code)
    {
        var response = r.Response;
        response.Header("Content-Type"u8, "application/xml"u8);
        if (response.IsHeadRequest)
        {
            response.EndHeaders(0);
            return;
        }

        var xml = new Xml.XmlOut();
        WriteErrorXml(xml, code, S3ErrorTable.Get(code).Message, r.Resource, r.RequestId);
        response.EndHeaders(xml.Length);
        response.WriteBody(xml.WrittenSpan);
    }
}
