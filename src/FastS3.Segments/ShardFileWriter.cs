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
        ErasureLayout layout, ulong segmentId, long segmentLengthBytes, int shardLengthBytes, ReadOnlyMemory<byte>[] shards, IReadOnlyList<int> which)
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
                WriteTemp(temp, header, shards[shard].Span);
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
                File.Move(temp, final, overwrite: true);
            }

            foreach (var directory in staged.Select(s => Path.GetDirectoryName(s.Final)!).Distinct(StringComparer.Ordinal))
            {
                DirectorySync.Fsync(directory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DeleteTemps(staged);
            return new SegmentWriteResult(SegmentWriteStatus.IoError, ex.Message, shardLengthBytes);
        }

        return new SegmentWriteResult(SegmentWriteStatus.Written, null, shardLengthBytes);
    }

    private static void WriteTemp(string tempPath, in ShardFileHeader header, ReadOnlySpan<byte> data)
    {
        var prefix = new byte[header.DataOffsetBytes];
        header.Write(prefix);
        var table = prefix.AsSpan(ShardFileHeader.Size);
        for (var block = 0; block < header.BlockCount; block++)
        {
            var crc = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data.Slice(block * header.BlockSizeBytes, header.BlockLength(block)));
            BinaryPrimitives.WriteUInt32LittleEndian(table[(block * 4)..], crc);
        }

        // FileMode.Create: a temp left by a crash mid-write is simply overwritten.
        using var stream = new FileStream(tempPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        stream.Write(prefix);
        stream.Write(data);
        stream.Flush(flushToDisk: true);
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
