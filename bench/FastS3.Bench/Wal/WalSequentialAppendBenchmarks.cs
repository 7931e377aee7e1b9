using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using FastS3.Wal;
using FastS3.Wal.Device;

namespace FastS3.Bench.Wal;

/// <summary>
/// Sequential large-record throughput: one writer appends 256 MiB as 1 MiB records (a large PUT
/// split into body chunks) and awaits durability of the last one, as the engine does before its
/// commit record. Time per operation = per MiB, so MB/s = 1 / mean.
/// <c>dotnet run -c Release --project bench/FastS3.Bench -- --filter '*WalSequential*'</c>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class WalSequentialAppendBenchmarks
{
    private const int RecordBytes = 1 << 20;
    private const int Records = 256;

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

    [Benchmark(OperationsPerInvoke = Records)]
    public async Task AppendMiBRecordsThenWait()
    {
        var log = _log!;
        AppendResult last = default;
        for (var i = 0; i < Records; i++)
        {
            last = log.Append(1, _payload);
            if (!last.IsOk)
            {
                throw new InvalidOperationException(last.Status.ToString());
            }
        }

        if (await log.WaitDurableAsync(last.Lsn) != WalStatus.Ok)
        {
            throw new InvalidOperationException("flush failed");
        }
    }
}
