using BenchmarkDotNet.Attributes;
using FastS3.Auth.Checksums;

namespace FastS3.Bench.Auth;

/// <summary>Checksum throughput over 1 MiB (GB/s = 1.048576 / mean in ms).</summary>
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private readonly byte[] _data = new byte[1024 * 1024];
    private ChecksumHasher _hasher = null!;

    [Params(ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme, ChecksumAlgorithm.Sha256, ChecksumAlgorithm.Md5)]
    public ChecksumAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_data);
        _hasher = new ChecksumHasher(Algorithm);
    }

    [GlobalCleanup]
    public void Cleanup() => _hasher.Dispose();

    [Benchmark]
    public int Hash1MiB()
    {
        _hasher.Reset();
        _hasher.Append(_data);
        Span<byte> value = stackalloc byte[32];
        return _hasher.GetCurrentValue(value);
    }
}
