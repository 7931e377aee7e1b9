using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using FastS3.Storage;

namespace FastS3.Engine.State;

/// <summary>
/// One bucket, immutable: an update returns a new instance sharing all untouched tree nodes, so
/// a snapshot a reader holds never changes under it.
/// </summary>
/// <param name="Generation">LSN of the CreateBucket record: tells a re-created bucket from the one a writer started in.</param>
internal sealed record BucketState(BucketInfo Info, ulong Generation, ImmutableSortedSet<ObjectEntry> Objects, ImmutableSortedDictionary<string, UploadState> Uploads)
{
    public static BucketState Create(BucketInfo info, ulong generation) =>
        new(info, generation, ImmutableSortedSet.Create<ObjectEntry>(ObjectEntryComparer.Instance), ImmutableSortedDictionary.Create<string, UploadState>(StringComparer.Ordinal));

    public bool IsEmpty => Objects.IsEmpty && Uploads.IsEmpty;

    public bool TryGetObject(string key, [NotNullWhen(true)] out ObjectEntry? entry)
    {
        if (Objects.TryGetValue(ObjectEntry.Probe(key), out var found))
        {
            entry = found;
            return true;
        }

        entry = null;
        return false;
    }

    /// <summary>Keys from the first one &gt;= <paramref name="lowerBound"/> (UTF-8 order), lazily; O(log n) to start.</summary>
    public IEnumerable<string> KeysFrom(string lowerBound)
    {
        var objects = Objects;
        var index = objects.IndexOf(ObjectEntry.Probe(lowerBound));
        for (var i = index < 0 ? ~index : index; i < objects.Count; i++)
        {
            yield return objects[i].Key;
        }
    }

    public BucketState WithObject(ObjectEntry entry) => this with { Objects = Objects.Remove(entry).Add(entry) };

    public BucketState WithoutObject(string key) => this with { Objects = Objects.Remove(ObjectEntry.Probe(key)) };

    public BucketState WithUpload(UploadState upload) => this with { Uploads = Uploads.SetItem(upload.Upload.UploadId, upload) };

    public BucketState WithoutUpload(string uploadId) => this with { Uploads = Uploads.Remove(uploadId) };
}
