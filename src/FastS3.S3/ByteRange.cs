namespace FastS3.S3;

/// <summary>A single HTTP byte range (RFC 9110 §14.1.2). S3 serves one range; several, or a
/// malformed header, are ignored and the whole object is returned, as the RFC allows.</summary>
public static class ByteRange
{
    public enum Result
    {
        Ignore,
        Satisfiable,
        Unsatisfiable,
    }

    public static Result Parse(string header, long size, out long offset, out long length)
    {
        offset = 0;
        length = size;
        var value = header.Trim();
        if (!value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || value.Contains(',', StringComparison.Ordinal))
        {
            return Result.Ignore;
        }

        var spec = value[6..].Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return Result.Ignore;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            // Suffix range: the last N bytes.
            if (!long.TryParse(last, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var suffix))
            {
                return Result.Ignore;
            }

            if (suffix == 0 || size == 0)
            {
                return Result.Unsatisfiable;
            }

            length = Math.Min(suffix, size);
            offset = size - length;
            return Result.Satisfiable;
        }

        if (!long.TryParse(first, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var start))
        {
            return Result.Ignore;
        }

        long end;
        if (last.Length == 0)
        {
            end = size - 1;
        }
        else if (!long.TryParse(last, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out end) || end < start)
        {
            return Result.Ignore;
        }

        if (start >= size)
        {
            return Result.Unsatisfiable;
        }

        end = Math.Min(end, size - 1);
        offset = start;
        length = end - start + 1;
        return Result.Satisfiable;
    }
}
