namespace FastS3.Erasure.Kernels;

/// <summary>Selects the 4-output pass of the vector kernel.</summary>
internal readonly struct FourRows : IRowCount
{
    public static int Count => 4;
}
