using System.Globalization;

namespace FastS3.LoadGen;

/// <summary>An object size: fixed ("4KiB") or a uniform random range ("1KiB-1MiB").</summary>
public readonly record struct SizeSpec(long Min, long Max)
{
    public bool IsFixed => Min == Max;

    public long Next(Random random) => IsFixed ? Min : random.NextInt64(Min, Max + 1);

    public static SizeSpec Parse(string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            var min = ParseBytes(text[..dash]);
            var max = ParseBytes(text[(dash + 1)..]);
            if (max < min)
            {
                throw new ArgumentException($"size range '{text}': max below min");
            }

            return new SizeSpec(min, max);
        }

        var fixedSize = ParseBytes(text);
        return new SizeSpec(fixedSize, fixedSize);
    }

    public static long ParseBytes(string text)
    {
        var s = text.Trim();
        long unit = 1;
        (string Suffix, long Unit)[] units =
        [
            ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30),
            ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000),
            ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("B", 1),
        ];
        foreach (var (suffix, u) in units)
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                unit = u;
                s = s[..^suffix.Length];
                break;
            }
        }

        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 0)
        {
            throw new ArgumentException($"bad size '{text}' (examples: 0, 4KiB, 1MiB, 1KiB-64KiB)");
        }

        return checked(n * unit);
    }

    public override string ToString() => IsFixed ? Format(Min) : $"{Format(Min)}-{Format(Max)}";

    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30}GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20}MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10}KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + "B",
    };
}
