using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using FastS3.Wal;
using FastS3.Wal.Device;

namespace FastS3.Bench.Wal;

/// <summary>
/// Group commit: 4 KiB records from 64 concurrent writers, each awaiting durability, against one
/// writer (one flush per write). Fixed op counts, one process, monitoring strategy: each
/// invocation is a whole workload on a fresh log. Result = time per record; records/s = 1 / that.
/// <c>dotnet run -c Release --project bench/FastS3.Bench -- --filter '*WalGroupCommit*'</c>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class WalGroupCommitBenchmarks
{
    private const int RecordBytes = 4096;
    private const int GroupRecords = 6400;   // 64 writers x 100
    private const int SingleRecords = 640;   // one fdatasync each: ~0.3-3 ms apiece on this VM

    private readonly byte[] _payload = new byte[RecordBytes];
    private string _directory = string.Empty;
    private WriteAheadLog? _log;

    /// <summary>fdatasync on the fd or msync of the written range.</summary>
    [Params(WalFlushMethod.Fdatasync, WalFlushMethod.Msync)]
    public WalFlushMethod FlushMethod { get; set; }

    /// <summary>Write zeros through each fresh segment file before use, or only allocate it (fallocate).</summary>
    [Params(true, false)]
    public bool ZeroFill { get; set; }

    [IterationSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_payload);
        _directory = Path.Combine(Path.GetTempPath(), "fasts3-wal-bench-" + Guid.NewGuid().ToString("N"));
        _log = WriteAheadLog.Open(new FileWalDevice(_directory, FlushMethod, ZeroFill), new WalOptions());
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _log?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Baseline: one writer, so every record waits for its own flush.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = SingleRecords)]
    public Task OneWriterOneFlushPerRecord() => Run(writers: 1, perWriter: SingleRecords);

    /// <summary>64 writers: one flush covers everything published while the previous one ran.</summary>
    [Benchmark(OperationsPerInvoke = GroupRecords)]
    public Task SixtyFourWritersGroupCommit() => Run(writers: 64, perWriter: GroupRecords / 64);

    private async Task Run(int writers, int perWriter)
    {
        var log = _log!;
        var tasks = new Task[writers];
        for (var w = 0; w < tasks.Length; w++)
        {
            tasks[w] = Task.Run(async () =>
            {
                for (var i = 0; i < perWriter; i++)
                {
                    var result = log.Append(1, _payload);
                    if (await log.WaitDurableAsync(result.Lsn) != WalStatus.Ok)
                    {
                        throw new InvalidOperationException("append failed");
                    }
                }
            });
        }

        await Task.WhenAll(tasks);
    }
}
