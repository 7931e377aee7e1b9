using FastS3.Wal;

namespace FastS3.Engine.Mutations;

/// <summary>One extent copied by compaction: the same bytes, now at <paramref name="To"/>.</summary>
internal readonly record struct ExtentMove(WalLocation From, WalLocation To);
