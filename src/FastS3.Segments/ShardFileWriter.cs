using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;

namespace FastS3.Segments;

/// <summary>
/// Writes shard files with the durable recipe in two phases: every shard to "name.tmp" and fsync
/// it, then rename each over its final name and fsync each directory touched. A failure in the
/// first phase leaves no new visible shard (temps are deleted); after it, only complete,
/// CRC-valid shards become visible.
/// </summary>
internal static class ShardFileWriter
{
    public static ShardFileHeader HeaderFor(ErasureLayout layout, ulong segmentId, int shardIndex, long segmentLengthBytes, int shardLengthBytes)
    {
        Debug.Assert((uint)shardIndex < (uint)layout.TotalShards, "shard index in range");
        return new ShardFileHeader
        {
            Magic = ShardFileHeader.ExpectedMagic,
            FormatVersion = ShardFileHeader.CurrentFormatVersion,
            ShardIndex = (byte)shardIndex,
            DataShards = (byte)layout.DataShards,
            ParityShards = (byte)layout.ParityShards,
            BlockSizeBytes = layout.BlockSizeBytes,
            BlockCount = ShardFileHeader.BlockCountOf(shardLengthBytes, layout.BlockSizeBytes),
            SegmentId = segmentId,
            SegmentLengthBytes = segmentLengthBytes,
            ShardLengthBytes = shardLengthBytes,
        };
    }

    /// <summary>Writes <paramref name="shards"/>[i] for every i in <paramref name="which"/>; all or (visibly) nothing before the renames.</summary>
    public static SegmentWriteResult WriteAll(
        IShardFileIo io, ErasureLayout layout, ulong segmentId, long segmentLengthBytes, int shardLengthBytes, ReadOnlyMemory<byte>[] shards, IReadOnlyList<int> which)
    {
        var staged = new List<(string Temp, string Final)>(which.Count);
        try
        {
            foreach (var shard in which)
            {
                Debug.Assert(shards[shard].Length == shardLengthBytes, "every shard has the segment's shard length");
                var final = layout.ShardPath(segmentId, shard);
                var header = HeaderFor(layout, segmentId, shard, segmentLengthBytes, shardLengthBytes);
                var temp = final + ShardFileName.TempSuffix;
                staged.Add((temp, final));
                WriteTemp(io, temp, header, shards[shard].Span);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DeleteTemps(staged);
            return new SegmentWriteResult(SegmentWriteStatus.IoError, ex.Message, shardLengthBytes);
        }

        try
        {
            foreach (var (temp, final) in staged)
            {
                io.Publish(temp, final);
            }

            foreach (var directory in staged.Select(s => Path.GetDirectoryName(s.Final)!).Distinct(StringComparer.Ordinal))
            {
                io.SyncDirectory(directory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DeleteTemps(staged);
            return new SegmentWriteResult(SegmentWriteStatus.IoError, ex.Message, shardLengthBytes);
        }

        return new SegmentWriteResult(SegmentWriteStatus.Written, null, shardLengthBytes);
    }

    private static void WriteTemp(IShardFileIo io, string tempPath, in ShardFileHeader header, ReadOnlySpan<byte> data)
    {
        var prefix = new byte[header.DataOffsetBytes];
        header.Write(prefix);
        var table = prefix.AsSpan(ShardFileHeader.Size);
        for (var block = 0; block < header.BlockCount; block++)
        {
            var crc = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data.Slice(block * header.BlockSizeBytes, header.BlockLength(block)));
            BinaryPrimitives.WriteUInt32LittleEndian(table[(block * 4)..], crc);
        }

        io.WriteAndSync(tempPath, prefix, data);
    }

    private static void DeleteTemps(List<(string Temp, string Final)> staged)
    {
        foreach (var (temp, _) in staged)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover ".tmp" never parses as a shard and the next write overwrites it.
            }
        }
    }
}
