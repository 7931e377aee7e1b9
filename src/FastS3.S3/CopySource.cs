using FastS3.Common.Errors;
using FastS3.S3.Routing;

namespace FastS3.S3;

/// <summary>The <c>x-amz-copy-source</c> header: URL-encoded <c>[/]bucket/key[?versionId=...]</c>.</summary>
public readonly record struct CopySource(string Bucket, string Key)
{
    public static CopySource Parse(string header)
    {
        var value = header;
        var q = value.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            var version = QueryString.Parse(System.Text.Encoding.UTF8.GetBytes(value[(q + 1)..])).Get("versionId");
            if (version is not null && version != "null")
            {
                throw new S3Exception(S3ErrorCode.NoSuchVersion);
            }

            value = value[..q];
        }

        if (!QueryString.TryDecodePath(System.Text.Encoding.UTF8.GetBytes(value), out var decoded, out _))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid copy source encoding.");
        }

        decoded = decoded.TrimStart('/');
        var slash = decoded.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == decoded.Length - 1)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey.");
        }

        return new CopySource(decoded[..slash], decoded[(slash + 1)..]);
    }
}
