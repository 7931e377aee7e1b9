using System.Collections.Immutable;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.State;

/// <summary>One key's current version: metadata and the log extents holding its bytes, in order.</summary>
internal sealed class ObjectEntry(string key, ObjectInfo info, ImmutableArray<WalLocation> extents)
{
    private static readonly ObjectInfo ProbeInfo = new() { Key = string.Empty, Size = 0, ETag = string.Empty, LastModified = default };

    // One search key per thread, re-keyed for each lookup: a GET's index lookup would otherwise
    // allocate a probe entry (40 B) every time. Only used for the duration of one synchronous
    // set operation, never stored.
    [ThreadStatic]
    private static ObjectEntry? _threadProbe;

    private StoredObject? _stored;

    public string Key { get; private set; } = key;

    public ObjectInfo Info { get; } = info;

    public ImmutableArray<WalLocation> Extents { get; } = extents;

    /// <summary>
    /// A search key for the ordered set: only <see cref="Key"/> takes part in comparisons. The
    /// instance is this thread's reusable probe: pass it straight to one set call, keep nothing.
    /// </summary>
    public static ObjectEntry Probe(string key)
    {
        var probe = _threadProbe ??= new ObjectEntry(string.Empty, ProbeInfo, []);
        probe.Key = key;
        return probe;
    }

    /// <summary>
    /// This version as a <see cref="StoredObject"/>, built on the first read and kept with the
    /// entry, so a hot GET allocates nothing. Two racing first reads may both build one; they are
    /// equal and either may win.
    /// </summary>
    public StoredObject Stored(string bucket, Func<string, ObjectEntry, IObjectContent> content) =>
        Volatile.Read(ref _stored) ?? (_stored = new StoredObject(Info, content(bucket, this)));
}
