namespace FastS3.Erasure.Kernels;

/// <summary>Selects the 1-output pass of the vector kernel.</summary>
internal readonly struct OneRow : IRowCount
{
    public static int Count => 1;
}
