using System.Collections.Immutable;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.State;

/// <summary>A committed part of an upload in progress.</summary>
internal sealed record PartEntry(PartInfo Info, ImmutableArray<WalLocation> Extents);
