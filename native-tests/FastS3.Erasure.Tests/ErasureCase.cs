namespace FastS3.Erasure.Tests;

/// <summary>A coding case plus the shards lost and (for partial reads) the data shards wanted.</summary>
public sealed record ErasureCase(CodingCase Coding, int[] Lost, int[] Wanted)
{
    public override string ToString() =>
        $"{Coding}; lost [{string.Join(",", Lost)}], wanted [{string.Join(",", Wanted)}]";
}
