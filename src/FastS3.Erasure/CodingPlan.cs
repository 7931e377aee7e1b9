using FastS3.Erasure.Kernels;

namespace FastS3.Erasure;

/// <summary>
/// One matrix-times-shards step, ready to run: which shards are read, which are written,
/// the outputs x inputs coefficient matrix, and that matrix expanded for the codec's kernel.
/// Immutable, so cached plans are shared across threads freely.
/// </summary>
internal sealed class CodingPlan
{
    public CodingPlan(int[] inputs, int[] outputs, byte[] coefficients, DotProductKernel kernel)
    {
        Inputs = inputs;
        Outputs = outputs;
        Coefficients = coefficients;
        Expanded = kernel.Expand(coefficients);
    }

    /// <summary>Shard indexes read, in the column order of <see cref="Coefficients"/>.</summary>
    public int[] Inputs { get; }

    /// <summary>Shard indexes written, in the row order of <see cref="Coefficients"/>.</summary>
    public int[] Outputs { get; }

    public byte[] Coefficients { get; }

    public byte[] Expanded { get; }
}
