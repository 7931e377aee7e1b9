using FastS3.Storage;

namespace FastS3.Engine.State;

/// <summary>Orders entries by key in UTF-8 byte order, S3's listing order.</summary>
internal sealed class ObjectEntryComparer : IComparer<ObjectEntry>
{
    public static readonly ObjectEntryComparer Instance = new();

    public int Compare(ObjectEntry? x, ObjectEntry? y) => Utf8KeyComparer.Instance.Compare(x?.Key, y?.Key);
}
