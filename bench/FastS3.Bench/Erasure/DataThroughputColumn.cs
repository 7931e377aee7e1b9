using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FastS3.Bench.Erasure;

/// <summary>
/// GB/s of data per core: k x shard bytes divided by the mean time, the unit ISA-L and
/// klauspost/reedsolomon report, so results compare directly with theirs.
/// </summary>
public sealed class DataThroughputColumn : IColumn
{
    private readonly bool _fromMinimum;

    /// <param name="fromMinimum">
    /// Use the fastest iteration instead of the mean: on a machine shared with other work the
    /// minimum is the better estimate of what the code itself can do.
    /// </param>
    public DataThroughputColumn(bool fromMinimum) => _fromMinimum = fromMinimum;

    public string Id => nameof(DataThroughputColumn) + (_fromMinimum ? ".Min" : ".Mean");

    public string ColumnName => _fromMinimum ? "GB/s (min)" : "GB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => _fromMinimum ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"Data bytes (k x shard) per second from the {(_fromMinimum ? "fastest iteration" : "mean")}, 1 GB = 10^9 B, one thread";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var shape = benchmarkCase.Parameters["Shape"] as string;
        if (report?.ResultStatistics is not { } statistics || shape is null)
        {
            return "-";
        }

        var (k, _) = ErasureShapes.Parse(shape);
        var bytesPerNanosecond = (double)k * ErasureShapes.ShardBytes / (_fromMinimum ? statistics.Min : statistics.Mean);
        return bytesPerNanosecond.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
    }
}
