using System.Collections.Immutable;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.State;

/// <summary>One key's current version: metadata and the log extents holding its bytes, in order.</summary>
internal sealed class ObjectEntry(string key, ObjectInfo info, ImmutableArray<WalLocation> extents)
{
    private static readonly ObjectInfo ProbeInfo = new() { Key = string.Empty, Size = 0, ETag = string.Empty, LastModified = default };

    public string Key { get; } = key;

    public ObjectInfo Info { get; } = info;

    public ImmutableArray<WalLocation> Extents { get; } = extents;

    /// <summary>A search key for the ordered set: only <see cref="Key"/> takes part in comparisons.</summary>
    public static ObjectEntry Probe(string key) => new(key, ProbeInfo, []);
}
