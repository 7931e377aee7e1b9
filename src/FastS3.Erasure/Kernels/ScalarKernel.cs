using System.Diagnostics;

namespace FastS3.Erasure.Kernels;

/// <summary>
/// The reference kernel: one lookup in the 64 KiB product table per input byte and output.
/// Every vector kernel is tested against it, and uses it for shards shorter than a vector.
/// </summary>
internal sealed unsafe class ScalarKernel : DotProductKernel
{
    public static readonly ScalarKernel Instance = new();

    private ScalarKernel()
    {
    }

    public override GfKernel Kind => GfKernel.Scalar;

    public override int ExpandedCoefficientBytes => 1;

    public override void ExpandCoefficient(byte coefficient, Span<byte> destination) => destination[0] = coefficient;

    public override void Run(
        ReadOnlySpan<nint> inputs,
        ReadOnlySpan<nint> outputs,
        ReadOnlySpan<byte> coefficients,
        ReadOnlySpan<byte> expanded,
        int length) => RunRange(inputs, outputs, coefficients, 0, length);

    /// <summary>
    /// Computes bytes [start, end) of every output. The addresses point at memory the caller
    /// keeps pinned (see <see cref="ShardPins"/>) for the duration of the call.
    /// </summary>
    public static void RunRange(ReadOnlySpan<nint> inputs, ReadOnlySpan<nint> outputs, ReadOnlySpan<byte> coefficients, int start, int end)
    {
        Debug.Assert(coefficients.Length == inputs.Length * outputs.Length, "one coefficient per (output, input)");
        var length = end - start;
        for (var o = 0; o < outputs.Length; o++)
        {
            var output = new Span<byte>((byte*)outputs[o] + start, length);
            output.Clear();
            for (var i = 0; i < inputs.Length; i++)
            {
                var product = Gf256.ProductRow(coefficients[(o * inputs.Length) + i]);
                var input = new ReadOnlySpan<byte>((byte*)inputs[i] + start, length);
                for (var p = 0; p < input.Length; p++)
                {
                    output[p] ^= product[input[p]];
                }
            }
        }
    }
}
