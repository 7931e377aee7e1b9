using BenchmarkDotNet.Attributes;
using FastS3.Erasure;

namespace FastS3.Bench.Erasure;

/// <summary>
/// Parity computation for one stripe of 1 MiB shards, single-threaded, per kernel and
/// shape. The GB/s column is data bytes (k x 1 MiB) per second on one core.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ErasureBenchmarkConfig))]
public class ErasureEncodeBenchmarks
{
    private ReedSolomon _codec = null!;
    private ReadOnlyMemory<byte>[] _data = null!;
    private Memory<byte>[] _parity = null!;

    [Params("4+2", "8+4", "12+4")]
    public string Shape { get; set; } = "8+4";

    [ParamsSource(nameof(Kernels))]
    public GfKernel Kernel { get; set; }

    public static IEnumerable<GfKernel> Kernels() => ErasureShapes.AvailableKernels();

    [GlobalSetup]
    public void Setup()
    {
        var (k, m) = ErasureShapes.Parse(Shape);
        _codec = new ReedSolomon(k, m, Kernel);
        var shards = ErasureShapes.AllocateEncoded(_codec, 1);
        _data = shards.Take(k).Select(s => (ReadOnlyMemory<byte>)s).ToArray();
        _parity = shards.Skip(k).ToArray();
    }

    [Benchmark]
    public void Encode() => _codec.Encode(_data, _parity);
}
