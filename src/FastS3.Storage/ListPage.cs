namespace FastS3.Storage;

/// <summary>One page of a listing. <see cref="NextStartAfter"/> is the last key or common prefix
/// in the page, which the next request passes back as its exclusive start.</summary>
public sealed record ListPage(IReadOnlyList<ObjectInfo> Objects, IReadOnlyList<string> CommonPrefixes, bool IsTruncated, string? NextStartAfter);
