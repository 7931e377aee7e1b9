using System.Globalization;

namespace FastS3.Segments;

/// <summary>
/// Shard file names: "{segment id, 16 hex digits}.{shard index, 3 digits}.shard", so a directory
/// listing sorts by segment and a temp file ("....shard.tmp") never parses as a shard.
/// </summary>
internal static class ShardFileName
{
    public const string Extension = ".shard";
    public const string TempSuffix = ".tmp";

    public static string Of(ulong segmentId, int shardIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"{segmentId:x16}.{shardIndex:D3}{Extension}");

    public static bool TryParse(string fileName, out ulong segmentId, out int shardIndex)
    {
        segmentId = 0;
        shardIndex = -1;
        // 16 hex + '.' + 3 digits + ".shard" = 26 characters.
        if (fileName.Length != 16 + 1 + 3 + Extension.Length || !fileName.EndsWith(Extension, StringComparison.Ordinal) || fileName[16] != '.')
        {
            return false;
        }

        return ulong.TryParse(fileName.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out segmentId)
            && int.TryParse(fileName.AsSpan(17, 3), NumberStyles.None, CultureInfo.InvariantCulture, out shardIndex);
    }
}
