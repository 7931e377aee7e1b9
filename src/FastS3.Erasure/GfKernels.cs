using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FastS3.Erasure.Kernels;

namespace FastS3.Erasure;

/// <summary>Which kernels this CPU runs, and the one a codec uses unless told otherwise.</summary>
public static class GfKernels
{
    private static readonly GfKernel[] AvailableKernels = Enum.GetValues<GfKernel>().Where(IsSupported).ToArray();

    /// <summary>
    /// The fastest supported kernel, chosen once per process: the last enum value the CPU
    /// supports. The enum is ordered by measured speed on AMD Zen 5 (see the erasure
    /// benchmarks): per coefficient and vector, GFNI is one GF2P8AFFINEQB with the 8-byte
    /// matrix broadcast from memory, where the table kernels need two table loads, two
    /// shuffles and an XOR; and a 64-byte vector moves twice what a 32-byte one does.
    /// </summary>
    public static GfKernel Best { get; } = AvailableKernels.Max();

    /// <summary>Every kernel this CPU supports, in enum order (scalar first).</summary>
    public static ReadOnlySpan<GfKernel> Available => AvailableKernels;

    /// <summary>Whether <paramref name="kernel"/> can run on this CPU.</summary>
    public static bool IsSupported(GfKernel kernel) => kernel switch
    {
        GfKernel.Scalar => true,
        GfKernel.Vector128 => Vector128.IsHardwareAccelerated,
        GfKernel.Avx2 => Avx2.IsSupported,
        GfKernel.Avx512 => Avx512BW.IsSupported,
        GfKernel.Gfni256 => Gfni.V256.IsSupported,
        GfKernel.Gfni512 => Gfni.V512.IsSupported,
        _ => false,
    };

    internal static DotProductKernel Create(GfKernel kernel)
    {
        if (!IsSupported(kernel))
        {
            throw new ArgumentException($"Kernel {kernel} is not supported on this CPU.", nameof(kernel));
        }

        return kernel switch
        {
            GfKernel.Scalar => ScalarKernel.Instance,
            GfKernel.Vector128 => VectorKernel<Vector128ShuffleOps, Vector128<byte>>.Instance,
            GfKernel.Avx2 => VectorKernel<Avx2ShuffleOps, Vector256<byte>>.Instance,
            GfKernel.Avx512 => VectorKernel<Avx512ShuffleOps, Vector512<byte>>.Instance,
            GfKernel.Gfni256 => VectorKernel<Gfni256Ops, Vector256<byte>>.Instance,
            GfKernel.Gfni512 => VectorKernel<Gfni512Ops, Vector512<byte>>.Instance,
            _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Unknown kernel."),
        };
    }
}
