using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using FastS3.Engine;
using FastS3.Storage;
using FastS3.Wal;
using FastS3.Wal.Device;

namespace FastS3.Bench.Engine;

/// <summary>
/// A large PUT through the persistent engine with fsync durability: one 256 MiB or 2 GiB body
/// streamed in 64 KiB writes (what the HTTP body reader hands over), then the commit, which
/// returns once the commit record is durable. Each invocation runs on a fresh store (fresh segment
/// files, as an engine that has not yet released any). Time per operation = per MiB, so MiB/s =
/// 1 / mean; compare with fio writing as much on the same filesystem in the same run (PERFORMANCE.md):
/// 256 MiB mostly fits the page cache's dirty budget, 2 GiB runs at the disk's sustained rate.
/// <c>dotnet run -c Release --project bench/FastS3.Bench -- --filter '*EngineLargePut*'</c>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class EngineLargePutBenchmarks
{
    private const int LargeMiB = 256;
    private const int HugeMiB = 2048;
    private const int WriteBytes = 64 << 10;

    private readonly byte[] _source = new byte[1 << 20];
    private string _directory = string.Empty;
    private EngineObjectStore? _store;

    /// <summary>fdatasync on the fd or msync of the written range.</summary>
    [Params(WalFlushMethod.Fdatasync, WalFlushMethod.Msync)]
    public WalFlushMethod FlushMethod { get; set; }

    [IterationSetup]
    public void Setup()
    {
        Random.Shared.NextBytes(_source);
        _directory = Path.Combine(Path.GetTempPath(), "fasts3-engine-bench-" + Guid.NewGuid().ToString("N"));
        _store = EngineObjectStore.Open(_directory, new EngineOptions
        {
            FlushMethod = FlushMethod,
            Durability = Durability.Fsync,
            CheckpointInterval = TimeSpan.Zero,
            CheckpointOnClose = false,
        });
        if (!_store.CreateBucketAsync("bench", default).AsTask().GetAwaiter().GetResult().IsSuccess)
        {
            throw new InvalidOperationException("bucket");
        }
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = LargeMiB)]
    public Task PutLargeObject() => PutAsync(LargeMiB);

    [Benchmark(OperationsPerInvoke = HugeMiB)]
    public Task PutHugeObject() => PutAsync(HugeMiB);

    private async Task PutAsync(int bodyMiB)
    {
        var begun = _store!.BeginPut("bench", "large");
        await using var writer = begun.Value!;
        for (var mib = 0; mib < bodyMiB; mib++)
        {
            for (var at = 0; at < _source.Length; at += WriteBytes)
            {
                var written = await writer.WriteAsync(_source.AsMemory(at, WriteBytes), default);
                if (!written.IsSuccess)
                {
                    throw new InvalidOperationException(written.Error.ToString());
                }
            }
        }

        var info = new ObjectInfo { Key = "large", Size = (long)bodyMiB << 20, ETag = "\"bench\"", LastModified = DateTimeOffset.UtcNow };
        var committed = await writer.CommitAsync(info, WriteCondition.None, default);
        if (!committed.IsSuccess)
        {
            throw new InvalidOperationException(committed.Error.ToString());
        }
    }
}
