namespace FastS3.Erasure.Kernels;

/// <summary>Selects the 2-output pass of the vector kernel.</summary>
internal readonly struct TwoRows : IRowCount
{
    public static int Count => 2;
}
