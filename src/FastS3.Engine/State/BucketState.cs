using System.Collections.Immutable;
using FastS3.Storage;

namespace FastS3.Engine.State;

/// <summary>
/// One bucket, immutable. Its objects live in the <see cref="ObjectIndex"/> (a B+tree on disk
/// pages, not bounded by memory); the bucket keeps their count, for BucketNotEmpty, and its
/// uploads in progress with their parts (bounded by the uploads clients keep open).
/// </summary>
/// <param name="Generation">LSN of the CreateBucket record: tells a re-created bucket from the one a writer started in.</param>
internal sealed record BucketState(BucketInfo Info, ulong Generation, long ObjectCount, ImmutableSortedDictionary<string, UploadState> Uploads)
{
    public static BucketState Create(BucketInfo info, ulong generation) =>
        new(info, generation, 0, ImmutableSortedDictionary.Create<string, UploadState>(StringComparer.Ordinal));

    public bool IsEmpty => ObjectCount == 0 && Uploads.IsEmpty;

    public BucketState WithObjectCount(long delta) => this with { ObjectCount = ObjectCount + delta };

    public BucketState WithUpload(UploadState upload) => this with { Uploads = Uploads.SetItem(upload.Upload.UploadId, upload) };

    public BucketState WithoutUpload(string uploadId) => this with { Uploads = Uploads.Remove(uploadId) };
}
