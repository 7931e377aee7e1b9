using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastS3.Erasure.Kernels;

/// <summary>
/// GF2P8AFFINEQB on 64-byte vectors. A coefficient is its 8-byte bit matrix
/// (<see cref="Gf256.AffineMatrix"/>), broadcast to every 64-bit lane at use.
/// </summary>
internal readonly unsafe struct Gfni512Ops : IGfVectorOps<Vector512<byte>>
{
    public static GfKernel Kind => GfKernel.Gfni512;

    public static int VectorBytes => 64;

    public static int ExpandedCoefficientBytes => sizeof(ulong);

    public static void ExpandCoefficient(byte coefficient, Span<byte> destination) =>
        MemoryMarshal.Write(destination, Gf256.AffineMatrix(coefficient));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Load(byte* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(byte* destination, Vector512<byte> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Xor(Vector512<byte> left, Vector512<byte> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> PrepareLow(Vector512<byte> input) => input;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> PrepareHigh(Vector512<byte> input) => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Multiply(byte* expandedCoefficient, Vector512<byte> low, Vector512<byte> high) =>
        Gfni.V512.GaloisFieldAffineTransform(low, Vector512.Create(*(ulong*)expandedCoefficient).AsByte(), 0);
}
