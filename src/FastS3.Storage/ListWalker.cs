namespace FastS3.Storage;

/// <summary>
/// Turns an ordered key sequence into one S3 listing page: prefix filter, delimiter roll-up into
/// common prefixes, exclusive start, page size. Shared by every backend so listing semantics
/// cannot drift between them. A common prefix returned on one page is never repeated on the
/// next: a start key that begins with a common prefix skips every key under it.
/// </summary>
public static class ListWalker
{
    public static ListPage Walk(IEnumerable<string> orderedKeysFromLowerBound, ListRequest request, Func<string, ObjectInfo?> lookup)
    {
        var objects = new List<ObjectInfo>();
        var prefixes = new List<string>();
        string? last = null;
        var truncated = false;
        var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : request.Delimiter;
        if (request.MaxKeys <= 0)
        {
            return new ListPage(objects, prefixes, false, null);
        }

        foreach (var key in orderedKeysFromLowerBound)
        {
            if (!key.StartsWith(request.Prefix, StringComparison.Ordinal))
            {
                if (Utf8KeyComparer.Instance.Compare(key, request.Prefix) > 0)
                {
                    break; // past every key with the prefix
                }

                continue;
            }

            if (request.StartAfter is not null && Utf8KeyComparer.Instance.Compare(key, request.StartAfter) <= 0)
            {
                continue;
            }

            string? commonPrefix = null;
            if (delimiter is not null)
            {
                var at = key.IndexOf(delimiter, request.Prefix.Length, StringComparison.Ordinal);
                if (at >= 0)
                {
                    commonPrefix = key[..(at + delimiter.Length)];
                }
            }

            if (commonPrefix is not null)
            {
                if (commonPrefix == last || (request.StartAfter is not null && request.StartAfter.StartsWith(commonPrefix, StringComparison.Ordinal)))
                {
                    continue; // already returned, on this page or an earlier one
                }
            }

            if (objects.Count + prefixes.Count == request.MaxKeys)
            {
                truncated = true;
                break;
            }

            if (commonPrefix is not null)
            {
                prefixes.Add(commonPrefix);
                last = commonPrefix;
            }
            else if (lookup(key) is { } info)
            {
                objects.Add(info);
                last = key;
            }
        }

        return new ListPage(objects, prefixes, truncated, truncated ? last : null);
    }
}
