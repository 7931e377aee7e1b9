namespace FastS3.LoadGen;

/// <summary>Display names of <see cref="OpKind"/>, indexed by its value (no enum ToString on the report path).</summary>
public static class OpNames
{
    public const int Count = 8;

    private static readonly string[] _names = ["GET", "HEAD", "PUT", "DELETE", "LIST", "MPU-INIT", "MPU-PART", "MPU-COMPLETE"];

    public static string Name(OpKind kind) => _names[(int)kind];
}
