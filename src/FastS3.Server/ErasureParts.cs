using FastS3.Segments;

namespace FastS3.Server;

/// <summary>The erasure-coding pieces the host owns and disposes: shard store, coder, healer thread.</summary>
internal sealed record ErasureParts(ErasureSegmentStore Store, ErasureCodingSink Sink, ErasureMaintenance Maintenance);
