using System.Collections.Immutable;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.State;

/// <summary>One key's current version, decoded from the object tree: metadata and the log extents holding its bytes, in order.</summary>
/// <param name="VersionLsn">LSN of the commit that created this version (a PUT or a Complete): compaction moves its bytes and keeps it.</param>
/// <param name="ValueLsn">LSN of the last commit that wrote the tree value (the creating one, or a relocation): tells a cached decode from a stale one.</param>
internal sealed class ObjectEntry(string bucket, string key, ObjectInfo info, ImmutableArray<WalLocation> extents, ulong versionLsn, ulong valueLsn)
{
    private StoredObject? _stored;

    public string Bucket { get; } = bucket;

    public string Key { get; } = key;

    public ObjectInfo Info { get; } = info;

    public ImmutableArray<WalLocation> Extents { get; } = extents;

    public ulong VersionLsn { get; } = versionLsn;

    public ulong ValueLsn { get; } = valueLsn;

    /// <summary>
    /// This version as a <see cref="StoredObject"/>, built on the first read and kept with the
    /// entry (which the index's decode cache keeps), so a hot GET allocates nothing. Two racing
    /// first reads may both build one; they are equal and either may win.
    /// </summary>
    public StoredObject Stored(Func<ObjectEntry, IObjectContent> content) =>
        Volatile.Read(ref _stored) ?? (_stored = new StoredObject(Info, content(this)));
}
