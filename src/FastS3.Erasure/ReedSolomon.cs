using System.Diagnostics;
using FastS3.Erasure.Kernels;

namespace FastS3.Erasure;

/// <summary>
/// A systematic Reed-Solomon code over GF(2^8) with k data and m parity shards: any k of
/// the k + m shards recover all of them. Build one per (k, m) and share it; every method
/// is thread-safe and, once a pattern's plan is cached, allocation-free.
/// </summary>
/// <remarks>
/// Shards of one call are equal-length buffers, data shards 0..k-1 then parity shards
/// k..k+m-1. Outputs must not overlap inputs or each other. Nothing is retained after a
/// call returns; buffers are pinned only while it runs.
/// </remarks>
public sealed partial class ReedSolomon
{
    /// <summary>Largest k + m: the Cauchy construction needs k + m distinct field elements.</summary>
    public const int MaxTotalShards = 255;

    private readonly DotProductKernel _kernel;
    private readonly byte[] _generator;
    private readonly CodingPlan _encodePlan;
    private readonly DecodePlanCache _decodePlans = new();
    private readonly Func<PlanKey, CodingPlan> _buildDecodePlan;

    /// <summary>A codec using the fastest kernel this CPU supports (<see cref="GfKernels.Best"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, m &lt; 0, or k + m &gt; 255.</exception>
    public ReedSolomon(int dataShards, int parityShards)
        : this(dataShards, parityShards, GfKernels.Best)
    {
    }

    /// <summary>A codec using <paramref name="kernel"/>, for tests and benchmarks.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, m &lt; 0, or k + m &gt; 255.</exception>
    /// <exception cref="ArgumentException">The CPU does not support <paramref name="kernel"/>.</exception>
    public ReedSolomon(int dataShards, int parityShards, GfKernel kernel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dataShards, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(parityShards);
        if (dataShards + parityShards > MaxTotalShards)
        {
            throw new ArgumentOutOfRangeException(
                nameof(parityShards),
                parityShards,
                $"dataShards + parityShards must be at most {MaxTotalShards}; got {dataShards} + {parityShards}.");
        }

        DataShards = dataShards;
        ParityShards = parityShards;
        _kernel = GfKernels.Create(kernel);
        _generator = GfMatrix.CauchyGenerator(dataShards, parityShards);

        var inputs = Enumerable.Range(0, dataShards).ToArray();
        var outputs = Enumerable.Range(dataShards, parityShards).ToArray();
        _encodePlan = new CodingPlan(inputs, outputs, GfMatrix.SelectRows(_generator, dataShards, outputs), _kernel);
        _buildDecodePlan = BuildDecodePlan;
    }

    /// <summary>k: shards holding the original bytes.</summary>
    public int DataShards { get; }

    /// <summary>m: shards holding parity; up to m lost shards can be rebuilt.</summary>
    public int ParityShards { get; }

    /// <summary>k + m.</summary>
    public int TotalShards => DataShards + ParityShards;

    /// <summary>The kernel this codec runs.</summary>
    public GfKernel Kernel => _kernel.Kind;

    /// <summary>The (k + m) x k generator, row-major: identity rows then the Cauchy parity rows.</summary>
    internal ReadOnlySpan<byte> Generator => _generator;

    /// <summary>How many reconstruction plans are cached.</summary>
    internal int CachedPlanCount => _decodePlans.Count;

    /// <summary>
    /// The shard length for splitting <paramref name="payloadBytes"/> into k data shards:
    /// ceil(payload / k) rounded up to 64 bytes, the zero-padded tail going in the last data
    /// shard(s). The 64-byte multiple keeps shards laid end to end cache-line aligned, so
    /// 64-byte vector loads never straddle two lines and no ragged tail is recomputed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or a shard would exceed <see cref="int.MaxValue"/> bytes.</exception>
    public int GetShardLength(long payloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadBytes);
        var perShard = (payloadBytes + DataShards - 1) / DataShards;
        var rounded = (perShard + 63) & ~63L;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rounded, int.MaxValue & ~63L, nameof(payloadBytes));
        return (int)rounded;
    }

    /// <summary>
    /// Computes the m parity shards of k data shards. All shards must have the same length
    /// (any length, including 0 and 1 byte).
    /// </summary>
    /// <exception cref="ArgumentException">Wrong shard count or unequal lengths.</exception>
    public void Encode(ReadOnlySpan<ReadOnlyMemory<byte>> dataShards, ReadOnlySpan<Memory<byte>> parityShards)
    {
        CheckCount(dataShards.Length, DataShards, nameof(dataShards));
        CheckCount(parityShards.Length, ParityShards, nameof(parityShards));
        var length = dataShards[0].Length;
        for (var i = 1; i < dataShards.Length; i++)
        {
            CheckLength(dataShards[i].Length, length, i, nameof(dataShards));
        }

        for (var i = 0; i < parityShards.Length; i++)
        {
            CheckLength(parityShards[i].Length, length, DataShards + i, nameof(parityShards));
        }

        if (ParityShards == 0 || length == 0)
        {
            return;
        }

        using var pins = ShardPins.Rent(TotalShards);
        Span<nint> inputs = stackalloc nint[DataShards];
        Span<nint> outputs = stackalloc nint[ParityShards];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = pins.Pin(i, dataShards[i]);
        }

        for (var o = 0; o < outputs.Length; o++)
        {
            outputs[o] = pins.Pin(DataShards + o, parityShards[o]);
        }

        _kernel.Run(inputs, outputs, _encodePlan.Coefficients, _encodePlan.Expanded, length);
    }

    private static void CheckCount(int actual, int expected, string paramName)
    {
        if (actual != expected)
        {
            ThrowCount(actual, expected, paramName);
        }
    }

    private static void CheckLength(int actual, int expected, int shard, string paramName)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, shard, paramName);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowCount(int actual, int expected, string paramName) =>
        throw new ArgumentException($"Expected {expected} shards, got {actual}.", paramName);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLength(int actual, int expected, int shard, string paramName) =>
        throw new ArgumentException($"Shard {shard} is {actual} bytes; every shard of a call must be {expected} bytes.", paramName);

    [Conditional("DEBUG")]
    private static void AssertPlanShape(CodingPlan plan, int dataShards) =>
        Debug.Assert(plan.Inputs.Length == dataShards && plan.Coefficients.Length == plan.Inputs.Length * plan.Outputs.Length, "plan reads k shards");
}
