namespace FastS3.Engine.Paging;

/// <summary>Counters of a <see cref="BufferPool"/> since it was created, for metrics.</summary>
/// <param name="Hits">Pins served from a resident frame.</param>
/// <param name="Misses">Pins that read the page from the file.</param>
/// <param name="Evictions">Frames taken from one page for another.</param>
/// <param name="WriteBacks">Dirty frames written to the file (on eviction or flush).</param>
/// <param name="ResidentPages">Pages in frames now.</param>
/// <param name="DirtyPages">Frames not yet written back now.</param>
public readonly record struct BufferPoolStatistics(long Hits, long Misses, long Evictions, long WriteBacks, int ResidentPages, int DirtyPages);
