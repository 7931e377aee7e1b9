namespace FastS3.Segments.Tests;

/// <summary>Every way a shard file can go bad on disk.</summary>
internal enum DamageKind
{
    DeleteFile,
    TruncateFile,
    FlipBitsInBlock,
    CorruptHeader,
    CorruptCrcTable,
    DeleteDirectory,
}

internal static class ShardDamager
{
    /// <summary>Damages <paramref name="shard"/> of <paramref name="segmentId"/>; whole-shard kinds make every block unreadable.</summary>
    public static void Apply(ErasureLayout layout, ulong segmentId, int shard, DamageKind kind, Random random)
    {
        var path = layout.ShardPath(segmentId, shard);
        var bytes = File.ReadAllBytes(path);
        var header = ReadHeader(bytes);
        switch (kind)
        {
            case DamageKind.DeleteFile:
                File.Delete(path);
                break;
            case DamageKind.TruncateFile:
                // Anywhere from inside the header to one byte short of the end.
                File.WriteAllBytes(path, bytes[..random.Next(Math.Max(1, bytes.Length))]);
                break;
            case DamageKind.FlipBitsInBlock:
                if (header.ShardLengthBytes == 0)
                {
                    goto case DamageKind.CorruptHeader;
                }

                var flips = random.Next(1, 4);
                for (var i = 0; i < flips; i++)
                {
                    var at = (int)header.DataOffsetBytes + random.Next(header.ShardLengthBytes);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }

                File.WriteAllBytes(path, bytes);
                break;
            case DamageKind.CorruptHeader:
                bytes[random.Next(ShardFileHeader.Size)] ^= (byte)(1 << random.Next(8));
                File.WriteAllBytes(path, bytes);
                break;
            case DamageKind.CorruptCrcTable:
                if (header.BlockCount == 0)
                {
                    goto case DamageKind.CorruptHeader;
                }

                bytes[ShardFileHeader.Size + random.Next(4 * header.BlockCount)] ^= (byte)(1 << random.Next(8));
                File.WriteAllBytes(path, bytes);
                break;
            case DamageKind.DeleteDirectory:
                Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>Makes the whole shard unusable (no block of it can be read clean).</summary>
    public static DamageKind WholeShardKind(Random random) =>
        random.Next(4) switch
        {
            0 => DamageKind.DeleteFile,
            1 => DamageKind.CorruptHeader,
            2 => DamageKind.DeleteDirectory,
            _ => DamageKind.TruncateFile,
        };

    public static ShardFileHeader ReadHeader(byte[] file)
    {
        Assert.Equal(ShardHeaderCheck.Ok, ShardFileHeader.TryRead(file, out var header));
        return header;
    }
}
