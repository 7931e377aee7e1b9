using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastS3.Erasure.Kernels;

/// <summary>
/// Split-nibble lookup with AVX2 VPSHUFB, which looks up within each 16-byte lane: a
/// coefficient is its low-nibble table repeated twice then its high-nibble table repeated
/// twice (64 bytes), so c * x = low[x &amp; 15] ^ high[x &gt;&gt; 4].
/// </summary>
internal readonly unsafe struct Avx2ShuffleOps : IGfVectorOps<Vector256<byte>>
{
    public static GfKernel Kind => GfKernel.Avx2;

    public static int VectorBytes => 32;

    public static int ExpandedCoefficientBytes => 64;

    public static void ExpandCoefficient(byte coefficient, Span<byte> destination) =>
        NibbleTables.Write(coefficient, destination, VectorBytes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Load(byte* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(byte* destination, Vector256<byte> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Xor(Vector256<byte> left, Vector256<byte> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> PrepareLow(Vector256<byte> input) => input & Vector256.Create((byte)0x0F);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> PrepareHigh(Vector256<byte> input) =>
        Vector256.ShiftRightLogical(input.AsUInt16(), 4).AsByte() & Vector256.Create((byte)0x0F);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Multiply(byte* expandedCoefficient, Vector256<byte> low, Vector256<byte> high) =>
        Avx2.Shuffle(Vector256.Load(expandedCoefficient), low)
        ^ Avx2.Shuffle(Vector256.Load(expandedCoefficient + 32), high);
}
