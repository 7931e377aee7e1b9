using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace FastS3.Erasure.Kernels;

/// <summary>
/// The SIMD dot-product loop shared by every vector kernel, specialised per instruction set
/// by <typeparamref name="TOps"/>. For each vector position it loads every input once and
/// keeps up to four outputs in registers (ISA-L's gf_4vect_dot_prod shape), so each output
/// byte is stored exactly once and each input byte loaded once per four outputs.
/// </summary>
internal sealed unsafe class VectorKernel<TOps, TVec> : DotProductKernel
    where TOps : struct, IGfVectorOps<TVec>
    where TVec : struct
{
    public static readonly VectorKernel<TOps, TVec> Instance = new();

    // With more than four outputs the inputs are read once per group of four. 32 KiB strips
    // keep one strip of up to 16 inputs (512 KiB) in a 1 MiB L2 (Zen 4/5; 1.25-2 MiB on
    // recent Intel cores), so the second group re-reads from L2 instead of memory.
    private const int StripBytes = 32 * 1024;

    private VectorKernel()
    {
    }

    public override GfKernel Kind => TOps.Kind;

    public override int ExpandedCoefficientBytes => TOps.ExpandedCoefficientBytes;

    public override void ExpandCoefficient(byte coefficient, Span<byte> destination) =>
        TOps.ExpandCoefficient(coefficient, destination);

    public override void Run(
        ReadOnlySpan<nint> inputs,
        ReadOnlySpan<nint> outputs,
        ReadOnlySpan<byte> coefficients,
        ReadOnlySpan<byte> expanded,
        int length)
    {
        Debug.Assert(coefficients.Length == inputs.Length * outputs.Length, "one coefficient per (output, input)");
        Debug.Assert(expanded.Length == coefficients.Length * TOps.ExpandedCoefficientBytes, "expanded by this kernel");
        if (outputs.IsEmpty || length == 0)
        {
            return;
        }

        var width = TOps.VectorBytes;
        if (length < width)
        {
            ScalarKernel.RunRange(inputs, outputs, coefficients, 0, length);
            return;
        }

        var vectorEnd = length - (length % width);

        // The address spans and the expanded table are pinned only for this call; the shard
        // memory behind the addresses is pinned by the caller's ShardPins for the same span.
        fixed (nint* inputAddresses = inputs)
        fixed (nint* outputAddresses = outputs)
        fixed (byte* table = expanded)
        {
            var inputPointers = (byte**)inputAddresses;
            var outputPointers = (byte**)outputAddresses;
            for (var start = 0; start < vectorEnd; start += StripBytes)
            {
                var end = Math.Min(start + StripBytes, vectorEnd);
                Pass(inputPointers, inputs.Length, outputPointers, outputs.Length, table, (nuint)start, (nuint)end);
            }

            if (vectorEnd != length)
            {
                // Ragged tail: recompute the last full vector, overlapping bytes already
                // written. Outputs are pure functions of the inputs, so the overlap rewrites
                // identical values and no scalar tail loop is needed.
                Pass(inputPointers, inputs.Length, outputPointers, outputs.Length, table, (nuint)(length - width), (nuint)length);
            }
        }
    }

    private static void Pass(byte** inputs, int inputCount, byte** outputs, int outputCount, byte* table, nuint start, nuint end)
    {
        var rowStride = (nint)inputCount * TOps.ExpandedCoefficientBytes;
        var output = 0;
        for (; output + 4 <= outputCount; output += 4)
        {
            Rows<FourRows>(inputs, inputCount, outputs + output, table + (output * rowStride), rowStride, start, end);
        }

        switch (outputCount - output)
        {
            case 3:
                Rows<ThreeRows>(inputs, inputCount, outputs + output, table + (output * rowStride), rowStride, start, end);
                break;
            case 2:
                Rows<TwoRows>(inputs, inputCount, outputs + output, table + (output * rowStride), rowStride, start, end);
                break;
            case 1:
                Rows<OneRow>(inputs, inputCount, outputs + output, table + (output * rowStride), rowStride, start, end);
                break;
            default:
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TRows>(byte** inputs, int inputCount, byte** outputs, byte* table, nint rowStride, nuint start, nuint end)
        where TRows : struct, IRowCount
    {
        var width = (nuint)TOps.VectorBytes;
        var coefficientBytes = (nint)TOps.ExpandedCoefficientBytes;
        var out0 = outputs[0];
        var out1 = TRows.Count > 1 ? outputs[1] : null;
        var out2 = TRows.Count > 2 ? outputs[2] : null;
        var out3 = TRows.Count > 3 ? outputs[3] : null;

        for (var position = start; position < end; position += width)
        {
            TVec acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            var coefficient = table;
            for (var i = 0; i < inputCount; i++, coefficient += coefficientBytes)
            {
                var x = TOps.Load(inputs[i] + position);
                var low = TOps.PrepareLow(x);
                var high = TOps.PrepareHigh(x);
                acc0 = TOps.Xor(acc0, TOps.Multiply(coefficient, low, high));
                if (TRows.Count > 1)
                {
                    acc1 = TOps.Xor(acc1, TOps.Multiply(coefficient + rowStride, low, high));
                }

                if (TRows.Count > 2)
                {
                    acc2 = TOps.Xor(acc2, TOps.Multiply(coefficient + (2 * rowStride), low, high));
                }

                if (TRows.Count > 3)
                {
                    acc3 = TOps.Xor(acc3, TOps.Multiply(coefficient + (3 * rowStride), low, high));
                }
            }

            TOps.Store(out0 + position, acc0);
            if (TRows.Count > 1)
            {
                TOps.Store(out1 + position, acc1);
            }

            if (TRows.Count > 2)
            {
                TOps.Store(out2 + position, acc2);
            }

            if (TRows.Count > 3)
            {
                TOps.Store(out3 + position, acc3);
            }
        }
    }
}
