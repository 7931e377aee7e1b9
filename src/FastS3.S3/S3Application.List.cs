using System.Globalization;
using System.Text;
using FastS3.Common.Errors;
using FastS3.S3.Xml;
using FastS3.Storage;

namespace FastS3.S3;

public sealed partial class S3Application
{
    /// <summary>S3's page size default and cap.</summary>
    private const int MaxListKeys = 1000;

    /// <summary>ListObjects (v1), ListObjectsV2 and ListObjectVersions over one walker: only the
    /// parameter names and the response shape differ.</summary>
    private ValueTask ListObjects(S3Request r, bool v2, bool versions)
    {
        var q = r.Query;
        var prefix = q.Get("prefix") ?? string.Empty;
        var delimiter = q.Get("delimiter");
        var maxKeys = ParsePageSize(q.Get("max-keys"), "max-keys");
        var encoding = q.Get("encoding-type");
        if (encoding is not null && encoding != "url")
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid Encoding Method specified in Request");
        }

        var url = encoding == "url";
        string? marker;
        string? continuationToken = null;
        string? startAfter = null;
        if (v2)
        {
            continuationToken = q.Get("continuation-token");
            startAfter = q.Get("start-after");
            marker = continuationToken is not null ? DecodeContinuationToken(continuationToken) : startAfter;
        }
        else
        {
            marker = versions ? q.Get("key-marker") : q.Get("marker");
        }

        var page = _store.ListObjects(r.Bucket!, new ListRequest(prefix, delimiter, string.IsNullOrEmpty(marker) ? null : marker, maxKeys));
        Check(page);
        var result = page.Value!;
        string Enc(string s) => url ? UrlEncodeKey(s) : s;

        var xml = new XmlOut();
        var root = versions ? "ListVersionsResult" : "ListBucketResult";
        xml.Declaration().Open(root, s3Namespace: true)
            .Element("Name", r.Bucket)
            .Element("Prefix", Enc(prefix));
        if (v2)
        {
            if (continuationToken is not null)
            {
                xml.Element("ContinuationToken", continuationToken);
            }

            if (startAfter is not null)
            {
                xml.Element("StartAfter", Enc(startAfter));
            }

            xml.Element("KeyCount", result.Objects.Count + result.CommonPrefixes.Count);
        }
        else if (versions)
        {
            xml.Element("KeyMarker", Enc(marker ?? string.Empty)).Element("VersionIdMarker", string.Empty);
        }
        else
        {
            xml.Element("Marker", Enc(marker ?? string.Empty));
        }

        xml.Element("MaxKeys", maxKeys);
        if (delimiter is not null)
        {
            xml.Element("Delimiter", Enc(delimiter));
        }

        if (url)
        {
            xml.Element("EncodingType", "url");
        }

        xml.Element("IsTruncated", result.IsTruncated);
        if (result.IsTruncated && result.NextStartAfter is not null)
        {
            if (v2)
            {
                xml.Element("NextContinuationToken", EncodeContinuationToken(result.NextStartAfter));
            }
            else if (versions)
            {
                xml.Element("NextKeyMarker", Enc(result.NextStartAfter)).Element("NextVersionIdMarker", "null");
            }
            else
            {
                xml.Element("NextMarker", Enc(result.NextStartAfter));
            }
        }

        var fetchOwner = !v2 || q.Get("fetch-owner") == "true";
        foreach (var o in result.Objects)
        {
            xml.Open(versions ? "Version" : "Contents").Element("Key", Enc(o.Key));
            if (versions)
            {
                xml.Element("VersionId", "null").Element("IsLatest", true);
            }

            xml.Element("LastModified", o.LastModified)
                .Element("ETag", o.ETag)
                .Element("Size", o.Size)
                .Element("StorageClass", o.StorageClass);
            if (fetchOwner)
            {
                xml.Open("Owner").Element("ID", OwnerId(r)).Element("DisplayName", OwnerName(r)).Close("Owner");
            }

            xml.Close(versions ? "Version" : "Contents");
        }

        foreach (var p in result.CommonPrefixes)
        {
            xml.Open("CommonPrefixes").Element("Prefix", Enc(p)).Close("CommonPrefixes");
        }

        xml.Close(root);
        WriteXml(r, xml);
        return ValueTask.CompletedTask;
    }

    /// <summary>A page size (max-keys, max-parts, max-uploads): default and cap 1000, as S3.</summary>
    private static int ParsePageSize(string? value, string name) => Math.Min(ParseNonNegative(value, MaxListKeys, name), MaxListKeys);

    /// <summary>A non-negative integer query parameter; anything else is InvalidArgument naming it.</summary>
    private static int ParseNonNegative(string? value, int fallback, string name)
    {
        if (value is null)
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"Provided {name} not an integer or within integer range");
        }

        return n;
    }

    /// <summary>Continuation tokens are opaque to clients: base64url of the last key returned.</summary>
    private static string EncodeContinuationToken(string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(lastKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string DecodeContinuationToken(string token)
    {
        var b64 = token.Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        var buffer = new byte[b64.Length];
        if (!Convert.TryFromBase64String(b64, buffer, out var n) || !System.Text.Unicode.Utf8.IsValid(buffer.AsSpan(0, n)))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "The continuation token provided is incorrect");
        }

        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>encoding-type=url: percent-encode everything but unreserved characters and '/'.
    /// botocore decodes these with unquote_plus, so '+' must travel as %2B and space as %20.</summary>
    private static string UrlEncodeKey(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' or (byte)'/')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
