namespace FastS3.Engine.Index;

/// <summary>
/// What a copy-on-write rebuild of one node produced: the page that replaces it, or two pages
/// and the separator the parent must insert between them (keys &gt;= it go right).
/// </summary>
internal readonly record struct Rewrite(ulong Left, ulong Right, byte[]? Separator)
{
    public bool IsSplit => Separator is not null;
}
