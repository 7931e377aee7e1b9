using BenchmarkDotNet.Attributes;
using FastS3.Erasure;

namespace FastS3.Bench.Erasure;

/// <summary>
/// The degraded read: 8+4 with data shard 0 lost, rebuilding only that shard from the next
/// eight present shards (seven data, one parity). GB/s is the k x 1 MiB read per second,
/// comparable with the encode figure.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ErasureBenchmarkConfig))]
public class ErasureReconstructBenchmarks
{
    private ReedSolomon _codec = null!;
    private Memory<byte>[] _shards = null!;
    private ShardMask _present;
    private ShardMask _wanted;

    [Params("8+4")]
    public string Shape { get; set; } = "8+4";

    [ParamsSource(nameof(Kernels))]
    public GfKernel Kernel { get; set; }

    public static IEnumerable<GfKernel> Kernels() => ErasureShapes.AvailableKernels();

    [GlobalSetup]
    public void Setup()
    {
        var (k, m) = ErasureShapes.Parse(Shape);
        _codec = new ReedSolomon(k, m, Kernel);
        _shards = ErasureShapes.AllocateEncoded(_codec, 2);
        _present = ShardMask.FirstN(k + m).Without(0);
        _wanted = ShardMask.None.With(0);
        Check();
    }

    [Benchmark]
    public ReconstructResult ReconstructOneDataShard() => _codec.ReconstructData(_shards, _present, _wanted);

    // Guards the benchmark against timing a path that does nothing: the rebuilt shard must verify.
    private void Check()
    {
        _shards[0].Span.Clear();
        if (ReconstructOneDataShard() != ReconstructResult.Reconstructed
            || !_codec.Verify(_shards.Select(s => (ReadOnlyMemory<byte>)s).ToArray()))
        {
            throw new InvalidOperationException("Reconstruction produced wrong bytes.");
        }
    }
}
