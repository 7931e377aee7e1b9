namespace FastS3.Erasure;

/// <summary>
/// The implementations of the coding inner loop. All produce identical bytes; they differ
/// only in which CPU instructions they need and how fast they run.
/// </summary>
public enum GfKernel
{
    /// <summary>Portable reference: one lookup in the 64 KiB product table per byte and input.</summary>
    Scalar = 0,

    /// <summary>
    /// 16-byte split-nibble table lookup (PSHUFB on x86 with SSSE3, TBL on Arm64): two
    /// 16-entry tables per coefficient, one for each nibble of the input byte.
    /// </summary>
    Vector128 = 1,

    /// <summary>Split-nibble table lookup on 32-byte vectors with AVX2 VPSHUFB.</summary>
    Avx2 = 2,

    /// <summary>Split-nibble table lookup on 64-byte vectors with AVX-512BW VPSHUFB.</summary>
    Avx512 = 3,

    /// <summary>
    /// GFNI GF2P8AFFINEQB on 32-byte vectors: multiplication by a constant is an 8 x 8 bit
    /// matrix, so one instruction replaces two lookups, two masks and a shift.
    /// </summary>
    Gfni256 = 4,

    /// <summary>GFNI GF2P8AFFINEQB on 64-byte vectors (needs AVX-512F as well).</summary>
    Gfni512 = 5,
}
