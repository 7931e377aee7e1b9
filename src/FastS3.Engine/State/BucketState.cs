using FastS3.Storage;

namespace FastS3.Engine.State;

/// <summary>
/// One bucket, immutable. Its objects and its uploads in progress live in the <see cref="ObjectIndex"/>
/// (a B+tree on disk pages, not bounded by memory); the bucket keeps their counts, for
/// BucketNotEmpty and the metrics.
/// </summary>
/// <param name="Generation">LSN of the CreateBucket record: tells a re-created bucket from the one a writer started in.</param>
internal sealed record BucketState(BucketInfo Info, ulong Generation, long ObjectCount, long UploadCount)
{
    public static BucketState Create(BucketInfo info, ulong generation) => new(info, generation, 0, 0);

    public bool IsEmpty => ObjectCount == 0 && UploadCount == 0;

    public BucketState WithObjectCount(long delta) => this with { ObjectCount = ObjectCount + delta };

    public BucketState WithUploadCount(long delta) => this with { UploadCount = UploadCount + delta };
}
