namespace FastS3.Erasure.Kernels;

/// <summary>
/// The per-instruction-set pieces of <see cref="VectorKernel{TOps, TVec}"/>. Implemented by
/// empty structs so the JIT specialises the generic kernel per set and inlines every call.
/// Multiplication is split in two steps because table kernels derive two index vectors
/// (low and high nibbles) from each input vector once and reuse them for every output.
/// </summary>
internal unsafe interface IGfVectorOps<TVec>
    where TVec : struct
{
    static abstract GfKernel Kind { get; }

    static abstract int VectorBytes { get; }

    static abstract int ExpandedCoefficientBytes { get; }

    static abstract void ExpandCoefficient(byte coefficient, Span<byte> destination);

    static abstract TVec Load(byte* source);

    static abstract void Store(byte* destination, TVec value);

    static abstract TVec Xor(TVec left, TVec right);

    /// <summary>First per-input value shared by all outputs (table kernels: low nibbles).</summary>
    static abstract TVec PrepareLow(TVec input);

    /// <summary>Second per-input value (table kernels: high nibbles; GFNI: unused).</summary>
    static abstract TVec PrepareHigh(TVec input);

    /// <summary>coefficient * input, with the coefficient in its expanded form.</summary>
    static abstract TVec Multiply(byte* expandedCoefficient, TVec low, TVec high);
}
