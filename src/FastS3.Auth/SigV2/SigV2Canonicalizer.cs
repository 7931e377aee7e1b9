using System.Buffers;
using FastS3.Auth.Internal;
using FastS3.Common.Http;

namespace FastS3.Auth.SigV2;

/// <summary>
/// The SigV2 string to sign (S3 Developer Guide, "Signing and authenticating REST requests"):
/// <c>Method\nContent-MD5\nContent-Type\nDate-or-Expires\nCanonicalizedAmzHeaders CanonicalizedResource</c>.
/// </summary>
internal static class SigV2Canonicalizer
{
    /// <summary>Most x-amz-* headers sorted into CanonicalizedAmzHeaders; bounds pre-auth sorting work.</summary>
    public const int MaxAmzHeaders = 256;

    /// <summary>
    /// Query parameters that are part of the resource and so enter CanonicalizedResource
    /// (the documented sub-resource list plus the response-* overrides, as the SDKs sign them).
    /// Ordinal order, which is the order they are emitted in.
    /// </summary>
    private static readonly byte[][] SubResources = BuildSubResources();

    /// <param name="resourcePrefix"><c>/bucket</c> for a virtual-host request, else empty.</param>
    /// <param name="appendSlash">Path-style bucket-level requests: botocore signs <c>/bucket/</c> for the path <c>/bucket</c>.</param>
    public static bool TryBuild<T>(in T head, ReadOnlySpan<byte> dateOrExpires, ref ByteBuilder output, ReadOnlySpan<byte> resourcePrefix = default, bool appendSlash = false)
        where T : IRequestHead, allows ref struct
    {
        output.Append(head.Method);
        output.Append((byte)'\n');
        HeadReader.Find(head, "content-md5"u8, out var md5);
        output.Append(md5);
        output.Append((byte)'\n');
        HeadReader.Find(head, "content-type"u8, out var contentType);
        output.Append(contentType);
        output.Append((byte)'\n');
        output.Append(dateOrExpires);
        output.Append((byte)'\n');
        if (!TryAppendAmzHeaders(head, ref output))
        {
            return false;
        }

        output.Append(resourcePrefix);
        output.Append(head.Path.IsEmpty ? "/"u8 : head.Path);
        if (appendSlash)
        {
            output.Append((byte)'/');
        }

        AppendSubResources(head.Query, ref output);
        return true;
    }

    private static bool TryAppendAmzHeaders<T>(in T head, ref ByteBuilder output)
        where T : IRequestHead, allows ref struct
    {
        var count = head.HeaderCount;
        int[]? rented = null;
        var indices = count <= 64 ? stackalloc int[64] : (rented = ArrayPool<int>.Shared.Rent(count));
        try
        {
            var n = 0;
            for (var i = 0; i < count; i++)
            {
                var name = head.HeaderName(i);
                if (name.Length > 6 && Ascii8.EqualsIgnoreCase(name[..6], "x-amz-"u8))
                {
                    if (n == MaxAmzHeaders)
                    {
                        return false;
                    }

                    indices[n++] = i;
                }
            }

            // Insertion sort keeps arrival order among equal names (their values join in order).
            var sorted = indices[..n];
            for (var i = 1; i < n; i++)
            {
                var item = sorted[i];
                var j = i - 1;
                while (j >= 0 && CompareIgnoreCase(head.HeaderName(sorted[j]), head.HeaderName(item)) > 0)
                {
                    sorted[j + 1] = sorted[j];
                    j--;
                }

                sorted[j + 1] = item;
            }

            for (var i = 0; i < n; i++)
            {
                var name = head.HeaderName(sorted[i]);
                if (i > 0 && CompareIgnoreCase(head.HeaderName(sorted[i - 1]), name) == 0)
                {
                    output.Append((byte)',');
                }
                else
                {
                    if (i > 0)
                    {
                        output.Append((byte)'\n');
                    }

                    foreach (var c in name)
                    {
                        output.Append(Ascii8.ToLower(c));
                    }

                    output.Append((byte)':');
                }

                output.Append(head.HeaderValue(sorted[i]).Trim(" \t"u8));
            }

            if (n > 0)
            {
                output.Append((byte)'\n');
            }

            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private static void AppendSubResources(ReadOnlySpan<byte> query, ref ByteBuilder output)
    {
        if (query.IsEmpty)
        {
            return;
        }

        var first = true;
        Span<byte> decoded = stackalloc byte[1024];
        foreach (var sub in SubResources)
        {
            if (!HeadReader.TryGetQuery(query, sub, out var rawValue, out var hasEquals))
            {
                continue;
            }

            output.Append(first ? (byte)'?' : (byte)'&');
            first = false;
            output.Append(sub);
            if (hasEquals)
            {
                output.Append((byte)'=');
                // Sub-resource values are signed decoded (botocore HmacV1Auth unquotes them).
                if (HeadReader.TryPercentDecode(rawValue, decoded, out var written))
                {
                    output.Append(decoded[..written]);
                }
                else
                {
                    output.Append(rawValue);
                }
            }
        }
    }

    private static int CompareIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var d = Ascii8.ToLower(a[i]) - Ascii8.ToLower(b[i]);
            if (d != 0)
            {
                return d;
            }
        }

        return a.Length - b.Length;
    }

    private static byte[][] BuildSubResources()
    {
        string[] names =
        [
            "accelerate", "acl", "analytics", "cors", "delete", "encryption", "intelligent-tiering", "inventory",
            "legal-hold", "lifecycle", "location", "logging", "metrics", "notification", "object-lock",
            "ownershipControls", "partNumber", "policy", "policyStatus", "publicAccessBlock", "replication",
            "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
            "response-content-language", "response-content-type", "response-expires", "restore", "retention",
            "select", "select-type", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning",
            "versions", "website",
        ];
        Array.Sort(names, StringComparer.Ordinal);
        return [.. names.Select(System.Text.Encoding.ASCII.GetBytes)];
    }
}
