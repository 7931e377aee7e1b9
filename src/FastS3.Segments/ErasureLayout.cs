using System.Diagnostics;
using FastS3.Erasure;

namespace FastS3.Segments;

/// <summary>
/// How sealed segments are spread over drives: k data + m parity shards, one per data directory,
/// with a CRC32C per block of every shard. Immutable; a bad configuration is refused here, at
/// startup, with a message naming the setting.
/// </summary>
public sealed class ErasureLayout
{
    /// <summary>64 KiB: one CRC per 64 KiB costs 4 bytes (0.006 %) and bounds a corrupt-read rebuild to k x 64 KiB.</summary>
    public const int DefaultBlockSizeBytes = 64 * 1024;

    /// <summary>Blocks are whole 64-byte lines, matching the codec's 64-byte shard alignment.</summary>
    public const int BlockAlignmentBytes = 64;

    /// <summary>16 MiB: a bigger block makes one flipped bit cost a 16 MiB x k rebuild.</summary>
    public const int MaxBlockSizeBytes = 16 * 1024 * 1024;

    private readonly string[] _dataDirectories;

    /// <summary>Checks and captures a layout.</summary>
    /// <param name="dataShards">k, at least 1.</param>
    /// <param name="parityShards">m, at least 0; up to m shards of a segment may be lost.</param>
    /// <param name="dataDirectories">data_dirs: at least k + m (several may share a disk, for tests).</param>
    /// <param name="blockSizeBytes">CRC block size, a multiple of 64 between 64 and 16 MiB.</param>
    /// <exception cref="ArgumentException">The configuration cannot work; the message says which setting and why.</exception>
    public ErasureLayout(int dataShards, int parityShards, IReadOnlyList<string> dataDirectories, int blockSizeBytes = DefaultBlockSizeBytes)
    {
        if (dataShards < 1)
        {
            throw new ArgumentException($"erasure data shards (k) must be at least 1; got {dataShards}.", nameof(dataShards));
        }

        if (parityShards < 0)
        {
            throw new ArgumentException($"erasure parity shards (m) must be at least 0; got {parityShards}.", nameof(parityShards));
        }

        if (dataShards + parityShards > ReedSolomon.MaxTotalShards)
        {
            throw new ArgumentException(
                $"erasure k + m must be at most {ReedSolomon.MaxTotalShards} (GF(2^8) has 255 usable points); got {dataShards} + {parityShards}.",
                nameof(parityShards));
        }

        if (dataDirectories.Count < dataShards + parityShards)
        {
            throw new ArgumentException(
                $"data_dirs lists {dataDirectories.Count} director{(dataDirectories.Count == 1 ? "y" : "ies")}, but k = {dataShards} data + m = {parityShards} parity shards need at least {dataShards + parityShards}, one shard per directory.",
                nameof(dataDirectories));
        }

        for (var i = 0; i < dataDirectories.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(dataDirectories[i]))
            {
                throw new ArgumentException($"data_dirs[{i}] is empty.", nameof(dataDirectories));
            }
        }

        var full = dataDirectories.Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).ToArray();
        if (full.Distinct(StringComparer.Ordinal).Count() != full.Length)
        {
            throw new ArgumentException("data_dirs lists the same directory twice; two shards of one segment would share a file name.", nameof(dataDirectories));
        }

        if (blockSizeBytes < BlockAlignmentBytes || blockSizeBytes > MaxBlockSizeBytes || blockSizeBytes % BlockAlignmentBytes != 0)
        {
            throw new ArgumentException(
                $"erasure block size must be a multiple of {BlockAlignmentBytes} between {BlockAlignmentBytes} and {MaxBlockSizeBytes} bytes; got {blockSizeBytes}.",
                nameof(blockSizeBytes));
        }

        DataShards = dataShards;
        ParityShards = parityShards;
        BlockSizeBytes = blockSizeBytes;
        _dataDirectories = full;
    }

    /// <summary>k.</summary>
    public int DataShards { get; }

    /// <summary>m.</summary>
    public int ParityShards { get; }

    /// <summary>k + m.</summary>
    public int TotalShards => DataShards + ParityShards;

    /// <summary>Bytes covered by one CRC32C.</summary>
    public int BlockSizeBytes { get; }

    /// <summary>Absolute data directories, in configuration order.</summary>
    public IReadOnlyList<string> DataDirectories => _dataDirectories;

    /// <summary>
    /// The directory holding shard <paramref name="shardIndex"/> of segment <paramref name="segmentId"/>:
    /// shard i goes to directory (i + id) mod N, so consecutive segments put their parity on different
    /// drives (with N = k + m = 6, parity of six consecutive segments touches every drive twice).
    /// </summary>
    public int DirectoryIndexOf(ulong segmentId, int shardIndex)
    {
        Debug.Assert((uint)shardIndex < (uint)TotalShards, "shard index in 0..k+m-1");
        var count = (ulong)_dataDirectories.Length;
        return (int)(((segmentId % count) + (ulong)shardIndex) % count);
    }

    /// <summary>The shard of <paramref name="segmentId"/> stored in directory <paramref name="directoryIndex"/>, or -1 when it holds none.</summary>
    public int ShardIndexIn(ulong segmentId, int directoryIndex)
    {
        var count = (ulong)_dataDirectories.Length;
        var shard = (int)(((ulong)directoryIndex + count - (segmentId % count)) % count);
        return shard < TotalShards ? shard : -1;
    }

    /// <summary>Full path of a shard file.</summary>
    public string ShardPath(ulong segmentId, int shardIndex) =>
        Path.Combine(_dataDirectories[DirectoryIndexOf(segmentId, shardIndex)], ShardFileName.Of(segmentId, shardIndex));
}
