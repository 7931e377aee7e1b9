namespace FastS3.Erasure.Tests;

/// <summary>A generated codec shape, shard length, unaligned offset, kernel and data seed.</summary>
public sealed record CodingCase(int DataShards, int ParityShards, int Length, int Offset, GfKernel Kernel, int Seed)
{
    public int TotalShards => DataShards + ParityShards;

    public override string ToString() =>
        $"{DataShards}+{ParityShards}, {Length} B at offset {Offset}, {Kernel}, seed {Seed}";
}
