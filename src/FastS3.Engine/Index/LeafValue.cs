namespace FastS3.Engine.Index;

/// <summary>A leaf cell's value as stored: inline bytes, or the length and first page of an overflow chain.</summary>
internal readonly ref struct LeafValue
{
    public LeafValue(byte kind, int length, ReadOnlySpan<byte> inline, ulong firstOverflowPage)
    {
        Kind = kind;
        Length = length;
        Inline = inline;
        FirstOverflowPage = firstOverflowPage;
    }

    /// <summary><see cref="NodePage.InlineValue"/> or <see cref="NodePage.OverflowValue"/>.</summary>
    public byte Kind { get; }

    public int Length { get; }

    public ReadOnlySpan<byte> Inline { get; }

    public ulong FirstOverflowPage { get; }
}
