namespace FastS3.Storage;

/// <summary>
/// Turns an ordered key sequence into one S3 listing page: prefix filter, delimiter roll-up into
/// common prefixes, exclusive start, page size. Shared by every backend so listing semantics
/// cannot drift between them. A common prefix returned on one page is never repeated on the
/// next: a start key that begins with a common prefix skips every key under it.
/// </summary>
/// <remarks>
/// The keys come from <c>keysFrom(bound, pastPrefix)</c>: the keys &gt;= <c>bound</c> in UTF-8
/// order, or with <c>pastPrefix</c> the keys after every key that starts with <c>bound</c>. Once a
/// common prefix is rolled up the walker asks for the keys past it, so a delimited listing costs
/// one seek per common prefix, not one step per key under it (a million keys under "logs/" are
/// one row of a root listing and one seek).
/// </remarks>
public static class ListWalker
{
    public static ListPage Walk(Func<string, bool, IEnumerable<string>> keysFrom, ListRequest request, Func<string, ObjectInfo?> lookup)
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

        var lower = request.Prefix;
        if (request.StartAfter is not null && Utf8KeyComparer.Instance.Compare(request.StartAfter, lower) > 0)
        {
            lower = request.StartAfter;
        }

        var keys = keysFrom(lower, false).GetEnumerator();
        try
        {
            while (keys.MoveNext())
            {
                var key = keys.Current;
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

                if (commonPrefix is not null && (commonPrefix == last || (request.StartAfter is not null && request.StartAfter.StartsWith(commonPrefix, StringComparison.Ordinal))))
                {
                    Skip(ref keys, keysFrom, commonPrefix); // already returned, on this page or an earlier one
                    continue;
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
                    Skip(ref keys, keysFrom, commonPrefix);
                }
                else if (lookup(key) is { } info)
                {
                    objects.Add(info);
                    last = key;
                }
            }
        }
        finally
        {
            keys.Dispose();
        }

        return new ListPage(objects, prefixes, truncated, truncated ? last : null);
    }

    /// <summary>Continues after every key under <paramref name="commonPrefix"/>.</summary>
    private static void Skip(ref IEnumerator<string> keys, Func<string, bool, IEnumerable<string>> keysFrom, string commonPrefix)
    {
        keys.Dispose();
        keys = keysFrom(commonPrefix, true).GetEnumerator();
    }
}
