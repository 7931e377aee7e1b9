using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastS3.Erasure.Kernels;

/// <summary>
/// GF2P8AFFINEQB on 32-byte vectors. A coefficient is its 8-byte bit matrix
/// (<see cref="Gf256.AffineMatrix"/>), broadcast to every 64-bit lane at use.
/// </summary>
internal readonly unsafe struct Gfni256Ops : IGfVectorOps<Vector256<byte>>
{
    public static GfKernel Kind => GfKernel.Gfni256;

    public static int VectorBytes => 32;

    public static int ExpandedCoefficientBytes => sizeof(ulong);

    public static void ExpandCoefficient(byte coefficient, Span<byte> destination) =>
        MemoryMarshal.Write(destination, Gf256.AffineMatrix(coefficient));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Load(byte* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(byte* destination, Vector256<byte> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Xor(Vector256<byte> left, Vector256<byte> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> PrepareLow(Vector256<byte> input) => input;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> PrepareHigh(Vector256<byte> input) => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Multiply(byte* expandedCoefficient, Vector256<byte> low, Vector256<byte> high) =>
        Gfni.V256.GaloisFieldAffineTransform(low, Vector256.Create(*(ulong*)expandedCoefficient).AsByte(), 0);
}
