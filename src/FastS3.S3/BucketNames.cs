namespace FastS3.S3;

/// <summary>S3 bucket naming rules ("Bucket naming rules", general purpose buckets).</summary>
public static class BucketNames
{
    /// <summary>3-63 characters of lower-case letters, digits, '.' and '-'; starts and ends with a
    /// letter or digit; no '..'; not an IPv4 address; none of S3's reserved prefixes/suffixes.</summary>
    public static bool IsValid(string name)
    {
        if (name.Length is < 3 or > 63)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-'))
            {
                return false;
            }
        }

        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return false;
        }

        if (name.Contains("..", StringComparison.Ordinal) || name.Contains(".-", StringComparison.Ordinal) || name.Contains("-.", StringComparison.Ordinal))
        {
            return false;
        }

        if (System.Net.IPAddress.TryParse(name, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && name.Count(c => c == '.') == 3)
        {
            return false;
        }

        return !name.StartsWith("xn--", StringComparison.Ordinal)
            && !name.StartsWith("sthree-", StringComparison.Ordinal)
            && !name.EndsWith("-s3alias", StringComparison.Ordinal)
            && !name.EndsWith("--ol-s3", StringComparison.Ordinal);
    }

    /// <summary>Names existing buckets may still have been created with in us-east-1 before 2018
    /// (upper case, underscores, up to 255): accepted for addressing, never for creation.</summary>
    public static bool IsLegacyValid(string name)
    {
        if (name.Length is < 3 or > 255)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
