using FastS3.Erasure;

namespace FastS3.Segments;

/// <summary>
/// Sealed segments stored as k data + m parity shard files across the layout's data directories.
/// Reads come straight from data shards; a lost or corrupt shard is rebuilt block-wise from any k
/// healthy ones and reported to <see cref="Damage"/> for the <see cref="Healer"/>. Thread-safe:
/// every read opens its own handles.
/// </summary>
public sealed partial class ErasureSegmentStore
{
    private readonly int[] _directoryAvailable;
    private readonly SegmentShardWriter _writer;

    private ErasureSegmentStore(ErasureLayout layout, int[] directoryAvailable, IShardFileIo io)
    {
        Io = io;
        Layout = layout;
        Codec = new ReedSolomon(layout.DataShards, layout.ParityShards);
        _directoryAvailable = directoryAvailable;
        _writer = new SegmentShardWriter(layout, Codec, io);
    }

    /// <summary>The layout this store was opened with.</summary>
    public ErasureLayout Layout { get; }

    /// <summary>Shards found damaged by reads, waiting for the healer.</summary>
    public ShardDamageQueue Damage { get; } = new();

    /// <summary>True while some data directory is missing or unreadable: every segment is still served, from parity.</summary>
    public bool IsDegraded => UnavailableDirectories.Count > 0;

    /// <summary>Indexes of the data directories that were missing or unreadable at open (until rebuilt).</summary>
    public IReadOnlyList<int> UnavailableDirectories =>
        Enumerable.Range(0, _directoryAvailable.Length).Where(i => Volatile.Read(ref _directoryAvailable[i]) == 0).ToArray();

    internal ReedSolomon Codec { get; }

    internal IShardFileIo Io { get; }

    /// <summary>
    /// Opens the store. A directory that is missing or cannot be listed marks the store degraded
    /// (a lost drive) unless <paramref name="createMissingDirectories"/> (first start) creates it.
    /// </summary>
    public static ErasureSegmentStore Open(ErasureLayout layout, bool createMissingDirectories = false) =>
        Open(layout, createMissingDirectories, FileShardIo.Instance);

    internal static ErasureSegmentStore Open(ErasureLayout layout, bool createMissingDirectories, IShardFileIo io)
    {
        var available = new int[layout.DataDirectories.Count];
        for (var i = 0; i < available.Length; i++)
        {
            available[i] = Probe(layout.DataDirectories[i], createMissingDirectories) ? 1 : 0;
        }

        return new ErasureSegmentStore(layout, available, io);
    }

    /// <summary>Encodes and durably writes every shard of <paramref name="segment"/>; the result says whether all are durable.</summary>
    public SegmentWriteResult WriteShards(ulong segmentId, ReadOnlySpan<byte> segment) => _writer.Write(segmentId, segment);

    /// <summary>As <see cref="WriteShards(ulong, ReadOnlySpan{byte})"/>, on the thread pool (fsyncs block).</summary>
    public Task<SegmentWriteResult> WriteShardsAsync(ulong segmentId, ReadOnlyMemory<byte> segment, CancellationToken cancellationToken = default) =>
        Task.Run(() => _writer.Write(segmentId, segment.Span), cancellationToken);

    /// <summary>Reads the sealed segment file and durably writes its shards.</summary>
    public Task<SegmentWriteResult> WriteShardsAsync(ulong segmentId, string segmentFilePath, CancellationToken cancellationToken = default) =>
        Task.Run(() => _writer.WriteFile(segmentId, segmentFilePath), cancellationToken);

    /// <summary>Same as <see cref="WriteShardsAsync(ulong, string, CancellationToken)"/>, on the calling thread.</summary>
    public SegmentWriteResult WriteShardsFromFile(ulong segmentId, string segmentFilePath) => _writer.WriteFile(segmentId, segmentFilePath);

    /// <summary>Segment ids with at least one shard file in an available directory, ascending.</summary>
    public IReadOnlyList<ulong> ListSegments()
    {
        var ids = new SortedSet<ulong>();
        for (var d = 0; d < Layout.DataDirectories.Count; d++)
        {
            if (!IsDirectoryAvailable(d))
            {
                continue;
            }

            try
            {
                foreach (var path in Directory.EnumerateFiles(Layout.DataDirectories[d], "*" + ShardFileName.Extension))
                {
                    if (ShardFileName.TryParse(Path.GetFileName(path), out var id, out var shard) && Layout.ShardIndexIn(id, d) == shard)
                    {
                        ids.Add(id);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A directory that fails now is skipped; its segments are still listed from the others.
            }
        }

        return ids.ToArray();
    }

    internal bool IsDirectoryAvailable(int directoryIndex) => Volatile.Read(ref _directoryAvailable[directoryIndex]) != 0;

    internal void MarkDirectoryAvailable(int directoryIndex) => Volatile.Write(ref _directoryAvailable[directoryIndex], 1);

    private static bool Probe(string directory, bool create)
    {
        try
        {
            if (!Directory.Exists(directory))
            {
                if (!create)
                {
                    return false;
                }

                _ = Directory.CreateDirectory(directory);
            }

            // Listing one entry proves the directory is readable (a dead drive fails here with EIO).
            _ = Directory.EnumerateFileSystemEntries(directory).FirstOrDefault();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
