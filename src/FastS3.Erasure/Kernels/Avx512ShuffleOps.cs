using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastS3.Erasure.Kernels;

/// <summary>
/// Split-nibble lookup with AVX-512BW VPSHUFB, which looks up within each 16-byte lane: a
/// coefficient is its low-nibble table repeated 4 times then its high-nibble table repeated
/// 4 times (128 bytes), so c * x = low[x &amp; 15] ^ high[x &gt;&gt; 4].
/// </summary>
internal readonly unsafe struct Avx512ShuffleOps : IGfVectorOps<Vector512<byte>>
{
    public static GfKernel Kind => GfKernel.Avx512;

    public static int VectorBytes => 64;

    public static int ExpandedCoefficientBytes => 128;

    public static void ExpandCoefficient(byte coefficient, Span<byte> destination) =>
        NibbleTables.Write(coefficient, destination, VectorBytes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Load(byte* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(byte* destination, Vector512<byte> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Xor(Vector512<byte> left, Vector512<byte> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> PrepareLow(Vector512<byte> input) => input & Vector512.Create((byte)0x0F);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> PrepareHigh(Vector512<byte> input) =>
        Vector512.ShiftRightLogical(input.AsUInt16(), 4).AsByte() & Vector512.Create((byte)0x0F);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> Multiply(byte* expandedCoefficient, Vector512<byte> low, Vector512<byte> high) =>
        Avx512BW.Shuffle(Vector512.Load(expandedCoefficient), low)
        ^ Avx512BW.Shuffle(Vector512.Load(expandedCoefficient + 64), high);
}
