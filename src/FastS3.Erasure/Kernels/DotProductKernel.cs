namespace FastS3.Erasure.Kernels;

/// <summary>
/// The one operation every coding step reduces to: for each output o,
/// output[o] = XOR over inputs i of coefficient[o, i] * input[i], byte by byte.
/// Encoding uses the parity rows of the generator, reconstruction the rows of an inverted
/// submatrix. Outputs are overwritten, never accumulated into, which lets vector kernels
/// finish a ragged tail by recomputing one overlapping full vector.
/// </summary>
internal abstract class DotProductKernel
{
    public abstract GfKernel Kind { get; }

    /// <summary>Bytes one coefficient takes in the kernel's pre-expanded form.</summary>
    public abstract int ExpandedCoefficientBytes { get; }

    /// <summary>
    /// Writes the kernel's pre-computed form of <paramref name="coefficient"/> (a GFNI bit
    /// matrix, or two nibble lookup tables repeated to the vector width).
    /// </summary>
    public abstract void ExpandCoefficient(byte coefficient, Span<byte> destination);

    /// <summary>
    /// Expands an outputs x inputs coefficient matrix (row-major) into the layout
    /// <see cref="Run"/> reads: same order, <see cref="ExpandedCoefficientBytes"/> each.
    /// </summary>
    public byte[] Expand(ReadOnlySpan<byte> coefficients)
    {
        var stride = ExpandedCoefficientBytes;
        var expanded = new byte[coefficients.Length * stride];
        for (var i = 0; i < coefficients.Length; i++)
        {
            ExpandCoefficient(coefficients[i], expanded.AsSpan(i * stride, stride));
        }

        return expanded;
    }

    /// <summary>
    /// Computes <paramref name="length"/> bytes of every output. <paramref name="inputs"/> and
    /// <paramref name="outputs"/> are addresses of memory pinned by the caller (see
    /// <see cref="ShardPins"/>) for the whole call; outputs must not overlap inputs.
    /// </summary>
    public abstract void Run(
        ReadOnlySpan<nint> inputs,
        ReadOnlySpan<nint> outputs,
        ReadOnlySpan<byte> coefficients,
        ReadOnlySpan<byte> expanded,
        int length);
}
