using FastS3.Engine;
using FastS3.Segments;
using FastS3.Wal;
using FastS3.Wal.Device;

namespace FastS3.Engine.Tests;

/// <summary>
/// An engine whose sealed segments are erasure-coded (k = 4, m = 2 over six data directories) and
/// offloaded: the same wiring as the server, on small segments so a few objects seal many.
/// </summary>
internal sealed class ErasureEngine : IAsyncDisposable
{
    public const int DataShards = 4;
    public const int ParityShards = 2;

    private readonly bool _checkpointOnClose;

    private ErasureEngine(string root, bool checkpointOnClose)
    {
        Root = root;
        _checkpointOnClose = checkpointOnClose;
        Layout = new ErasureLayout(DataShards, ParityShards, Enumerable.Range(0, DataShards + ParityShards).Select(i => System.IO.Path.Combine(root, "d" + i)).ToArray());
        Store = ErasureSegmentStore.Open(Layout, createMissingDirectories: !Directory.Exists(EngineObjectStore.WalDirectoryOf(root)));
        Sink = new ErasureCodingSink(
            Store,
            id => System.IO.Path.Combine(EngineObjectStore.WalDirectoryOf(root), FileWalDevice.SegmentFileName(id)),
            onWritten: (_, result) => LastError = result.Error ?? LastError);
        Engine = EngineObjectStore.Open(root, new EngineOptions
        {
            SegmentSizeBytes = EngineTestSupport.SmallSegmentBytes,
            CheckpointInterval = TimeSpan.Zero,
            CompactionInterval = TimeSpan.Zero, // tests compact explicitly
            CheckpointOnClose = checkpointOnClose,
            SealedSegmentSink = Sink,
            SealedSegmentReader = Store,
        });
    }

    public string Root { get; }

    public ErasureLayout Layout { get; }

    public ErasureSegmentStore Store { get; }

    public ErasureCodingSink Sink { get; }

    public EngineObjectStore Engine { get; }

    /// <summary>The coder's last error message (shown when offloading does not finish).</summary>
    public string? LastError { get; private set; }

    public static ErasureEngine Open(string root, bool checkpointOnClose = true) => new(root, checkpointOnClose);

    /// <summary>Closes and opens again on the same directories (a restart).</summary>
    public async Task<ErasureEngine> ReopenAsync()
    {
        await DisposeAsync();
        return new ErasureEngine(Root, _checkpointOnClose);
    }

    /// <summary>Waits (bounded) until every sealed segment is offloaded (all but the active one) and its local file is gone.</summary>
    public IReadOnlyList<ulong> WaitAllSealedOffloaded()
    {
        var walDirectory = EngineObjectStore.WalDirectoryOf(Root);
        var done = SpinWait.SpinUntil(
            () => Sink.FailedSegments > 0
                || (Engine.OffloadedSegmentIds.Count == Engine.SegmentIds.Count - 1
                    && !Engine.OffloadedSegmentIds.Any(id => File.Exists(System.IO.Path.Combine(walDirectory, FileWalDevice.SegmentFileName(id))))),
            TimeSpan.FromSeconds(60));
        Assert.True(done && Sink.FailedSegments == 0, $"offloaded {Engine.OffloadedSegmentIds.Count} of {Engine.SegmentIds.Count - 1} sealed segments; coder failures: {Sink.FailedSegments} ({LastError})");
        return Engine.OffloadedSegmentIds;
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Sink.Dispose();
    }
}
