namespace FastS3.Erasure.Kernels;

/// <summary>Selects the 3-output pass of the vector kernel.</summary>
internal readonly struct ThreeRows : IRowCount
{
    public static int Count => 3;
}
