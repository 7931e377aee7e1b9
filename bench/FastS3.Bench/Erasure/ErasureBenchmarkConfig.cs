using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace FastS3.Bench.Erasure;

/// <summary>Adds the per-core data throughput column to the erasure benchmarks.</summary>
public sealed class ErasureBenchmarkConfig : ManualConfig
{
    public ErasureBenchmarkConfig() =>
        AddColumn(StatisticColumn.Min, new DataThroughputColumn(fromMinimum: false), new DataThroughputColumn(fromMinimum: true));
}
