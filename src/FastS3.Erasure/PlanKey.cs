namespace FastS3.Erasure;

/// <summary>Identifies a reconstruction: the k shards read and the shards rebuilt.</summary>
internal readonly record struct PlanKey(ShardMask Inputs, ShardMask Outputs);
