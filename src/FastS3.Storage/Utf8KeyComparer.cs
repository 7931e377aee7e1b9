namespace FastS3.Storage;

/// <summary>
/// Orders keys as S3 does: by their UTF-8 bytes. UTF-16 ordinal order differs from code-point
/// (= UTF-8 byte) order only between surrogates (U+D800-DFFF) and U+E000-FFFF; shifting those
/// ranges past each other fixes it without encoding either string.
/// </summary>
public sealed class Utf8KeyComparer : IComparer<string>
{
    public static readonly Utf8KeyComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var length = Math.Min(x.Length, y.Length);
        var i = x.AsSpan(0, length).CommonPrefixLength(y.AsSpan(0, length));
        if (i == length)
        {
            return x.Length.CompareTo(y.Length);
        }

        return Fix(x[i]).CompareTo(Fix(y[i]));
    }

    private static int Fix(char c) => c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;
}
