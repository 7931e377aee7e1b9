namespace FastS3.Storage;

/// <summary>ETag comparison as S3 applies it to If-Match / If-None-Match: quotes optional, <c>*</c>
/// matches anything, a comma-separated list matches if any member does (RFC 9110 §13.1.1).</summary>
public static class ETags
{
    public static bool Match(string condition, string etag)
    {
        var bare = Unquote(etag);
        foreach (var part in condition.Split(','))
        {
            var candidate = part.Trim();
            if (candidate == "*" || Unquote(candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate) == bare)
            {
                return true;
            }
        }

        return false;
    }

    public static string Unquote(string etag) => etag.Length >= 2 && etag[0] == '"' && etag[^1] == '"' ? etag[1..^1] : etag;
}
