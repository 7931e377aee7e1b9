namespace FastS3.Engine.Index;

/// <summary>One published state of a <see cref="BTree"/>: immutable, swapped in with one reference store.</summary>
/// <param name="Version">Increases by one per publish.</param>
/// <param name="RootPageId">The root, or <see cref="BTree.NoPage"/> for an empty tree.</param>
/// <param name="AppliedLsn">The last commit the version contains.</param>
/// <param name="EntryCount">Entries it holds.</param>
internal sealed record PublishedVersion(ulong Version, ulong RootPageId, ulong AppliedLsn, ulong EntryCount);
