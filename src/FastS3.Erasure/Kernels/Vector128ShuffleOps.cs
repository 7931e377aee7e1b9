using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace FastS3.Erasure.Kernels;

/// <summary>
/// Split-nibble lookup on 16-byte vectors: PSHUFB with SSSE3, TBL on Arm64, otherwise the
/// portable <see cref="Vector128.Shuffle(Vector128{byte}, Vector128{byte})"/>. All three agree
/// because every index is a nibble (0..15), so the out-of-range rules never apply.
/// A coefficient is its low-nibble table then its high-nibble table (32 bytes).
/// </summary>
internal readonly unsafe struct Vector128ShuffleOps : IGfVectorOps<Vector128<byte>>
{
    public static GfKernel Kind => GfKernel.Vector128;

    public static int VectorBytes => 16;

    public static int ExpandedCoefficientBytes => 32;

    public static void ExpandCoefficient(byte coefficient, Span<byte> destination) =>
        NibbleTables.Write(coefficient, destination, VectorBytes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Load(byte* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(byte* destination, Vector128<byte> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Xor(Vector128<byte> left, Vector128<byte> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> PrepareLow(Vector128<byte> input) => input & Vector128.Create((byte)0x0F);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> PrepareHigh(Vector128<byte> input) =>
        Vector128.ShiftRightLogical(input.AsUInt16(), 4).AsByte() & Vector128.Create((byte)0x0F);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Multiply(byte* expandedCoefficient, Vector128<byte> low, Vector128<byte> high) =>
        Lookup(Vector128.Load(expandedCoefficient), low) ^ Lookup(Vector128.Load(expandedCoefficient + 16), high);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Lookup(Vector128<byte> table, Vector128<byte> indices)
    {
        if (Ssse3.IsSupported)
        {
            return Ssse3.Shuffle(table, indices);
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.VectorTableLookup(table, indices);
        }

        return Vector128.Shuffle(table, indices);
    }
}
