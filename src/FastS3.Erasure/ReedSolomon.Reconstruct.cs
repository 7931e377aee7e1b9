using System.Diagnostics;
using FastS3.Erasure.Kernels;

namespace FastS3.Erasure;

public sealed partial class ReedSolomon
{
    /// <summary>Rebuilds every shard not in <paramref name="present"/> (data and parity).</summary>
    /// <inheritdoc cref="Reconstruct(ReadOnlySpan{Memory{byte}}, ShardMask, ShardMask)"/>
    public ReconstructResult Reconstruct(ReadOnlySpan<Memory<byte>> shards, ShardMask present) =>
        Reconstruct(shards, present, ShardMask.FirstN(TotalShards));

    /// <summary>
    /// Rebuilds only the data shards in <paramref name="wanted"/> that are not present: the
    /// read path, which needs some data and never parity.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="wanted"/> names a parity shard, or as for Reconstruct.</exception>
    /// <inheritdoc cref="Reconstruct(ReadOnlySpan{Memory{byte}}, ShardMask, ShardMask)"/>
    public ReconstructResult ReconstructData(ReadOnlySpan<Memory<byte>> shards, ShardMask present, ShardMask wanted)
    {
        if (!wanted.Except(ShardMask.FirstN(DataShards)).IsEmpty)
        {
            throw new ArgumentException($"Only data shards 0..{DataShards - 1} can be wanted; got {wanted}.", nameof(wanted));
        }

        return Reconstruct(shards, present, wanted);
    }

    /// <summary>
    /// Writes the original bytes of every shard in <paramref name="rebuild"/> that is not in
    /// <paramref name="present"/>, reading k present shards. Shards outside both masks are
    /// neither read nor written (their buffers may be empty).
    /// </summary>
    /// <param name="shards">k + m buffers: data then parity. Present shards are read, rebuilt ones written.</param>
    /// <param name="present">Shards whose buffers hold valid bytes.</param>
    /// <param name="rebuild">Shards to produce; present ones among them are left as they are.</param>
    /// <returns>
    /// <see cref="ReconstructResult.TooFewShards"/> when fewer than k shards are present and
    /// something needs rebuilding; no byte is written then.
    /// </returns>
    /// <exception cref="ArgumentException">Wrong shard count, a mask index at or beyond k + m, or unequal lengths.</exception>
    public ReconstructResult Reconstruct(ReadOnlySpan<Memory<byte>> shards, ShardMask present, ShardMask rebuild)
    {
        CheckCount(shards.Length, TotalShards, nameof(shards));
        var all = ShardMask.FirstN(TotalShards);
        CheckMask(present, all, nameof(present));
        CheckMask(rebuild, all, nameof(rebuild));

        var targets = rebuild.Except(present);
        if (targets.IsEmpty)
        {
            return ReconstructResult.Reconstructed;
        }

        if (present.Count < DataShards)
        {
            return ReconstructResult.TooFewShards;
        }

        // Read the first k present shards: data shards come first, and each present data
        // shard read is an identity row, which keeps the inverted matrix sparse.
        Span<int> inputIndexes = stackalloc int[DataShards];
        present.CopyIndexesTo(inputIndexes);
        var plan = _decodePlans.GetOrAdd(new PlanKey(ShardMask.FromIndexes(inputIndexes), targets), _buildDecodePlan);
        AssertPlanShape(plan, DataShards);

        var length = shards[plan.Inputs[0]].Length;
        foreach (var index in plan.Inputs)
        {
            CheckLength(shards[index].Length, length, index, nameof(shards));
        }

        foreach (var index in plan.Outputs)
        {
            CheckLength(shards[index].Length, length, index, nameof(shards));
        }

        if (length == 0)
        {
            return ReconstructResult.Reconstructed;
        }

        using var pins = ShardPins.Rent(plan.Inputs.Length + plan.Outputs.Length);
        Span<nint> inputs = stackalloc nint[plan.Inputs.Length];
        Span<nint> outputs = stackalloc nint[plan.Outputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = pins.Pin(i, shards[plan.Inputs[i]]);
        }

        for (var o = 0; o < outputs.Length; o++)
        {
            outputs[o] = pins.Pin(inputs.Length + o, shards[plan.Outputs[o]]);
        }

        _kernel.Run(inputs, outputs, plan.Coefficients, plan.Expanded, length);
        return ReconstructResult.Reconstructed;
    }

    private static void CheckMask(ShardMask mask, ShardMask all, string paramName)
    {
        if (!mask.Except(all).IsEmpty)
        {
            throw new ArgumentException($"Mask {mask} names shards outside 0..{all.Count - 1}.", paramName);
        }
    }

    // Every rebuilt shard is a linear combination of the k shards read: with S the k x k
    // generator rows of the inputs (invertible by construction), data = S^-1 x inputs, so
    // shard t = G[t] x S^-1 x inputs. For a data shard G[t] is a unit row and the product
    // is row t of S^-1.
    private CodingPlan BuildDecodePlan(PlanKey key)
    {
        var inputs = new int[DataShards];
        key.Inputs.CopyIndexesTo(inputs);
        var outputs = new int[key.Outputs.Count];
        key.Outputs.CopyIndexesTo(outputs);

        var selected = GfMatrix.SelectRows(_generator, DataShards, inputs);
        if (!GfMatrix.TryInvert(selected, DataShards, out var inverse))
        {
            throw new UnreachableException($"Generator rows {key.Inputs} are singular; the Cauchy construction guarantees otherwise.");
        }

        var targetRows = GfMatrix.SelectRows(_generator, DataShards, outputs);
        var coefficients = GfMatrix.Multiply(targetRows, outputs.Length, inverse, DataShards, DataShards);
        return new CodingPlan(inputs, outputs, coefficients, _kernel);
    }
}
