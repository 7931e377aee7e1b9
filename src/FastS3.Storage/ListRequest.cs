namespace FastS3.Storage;

/// <summary>A page request over a bucket's keys in UTF-8 byte order (S3's order).</summary>
/// <param name="Prefix">Only keys starting with this.</param>
/// <param name="Delimiter">Roll keys up into common prefixes at the first delimiter after the prefix.</param>
/// <param name="StartAfter">Exclusive lower bound: a key, or a common prefix already returned.</param>
/// <param name="MaxKeys">Keys plus common prefixes per page (S3 caps this at 1000).</param>
public readonly record struct ListRequest(string Prefix, string? Delimiter, string? StartAfter, int MaxKeys);
