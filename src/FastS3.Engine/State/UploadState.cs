using System.Collections.Immutable;
using FastS3.Storage;

namespace FastS3.Engine.State;

/// <summary>An upload in progress and its parts by number.</summary>
internal sealed record UploadState(MultipartUpload Upload, ImmutableSortedDictionary<int, PartEntry> Parts)
{
    public static UploadState Start(MultipartUpload upload) => new(upload, ImmutableSortedDictionary<int, PartEntry>.Empty);
}
