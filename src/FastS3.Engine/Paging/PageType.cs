namespace FastS3.Engine.Paging;

/// <summary>What a page holds; stored in its <see cref="PageHeader"/> and checked on read.</summary>
internal enum PageType : byte
{
    /// <summary>Never written: a zero page reads as this and fails the magic check.</summary>
    None = 0,

    /// <summary>B+tree leaf: sorted (key, value or overflow pointer) cells.</summary>
    Leaf = 1,

    /// <summary>B+tree branch: a leftmost child and sorted (separator, child) cells.</summary>
    Branch = 2,

    /// <summary>One link of a value too large for a leaf cell.</summary>
    Overflow = 3,
}
