namespace FastS3.Erasure.Kernels;

/// <summary>
/// How many outputs one pass of the vector kernel keeps in registers. A type parameter
/// rather than an argument so the JIT removes the unused accumulators entirely.
/// </summary>
internal interface IRowCount
{
    static abstract int Count { get; }
}
