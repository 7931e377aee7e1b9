using FastS3.Http;

namespace FastS3.S3.Routing;

/// <summary>
/// Routing is data: a table indexed by (method, target, sub-resource, has x-amz-copy-source),
/// filled once at start-up. A request costs four array indexes, no locks, no dictionaries.
/// </summary>
public static class S3Router
{
    private static readonly int MethodCount = Enum.GetValues<RequestMethod>().Length;
    private static readonly int TargetCount = Enum.GetValues<RouteTarget>().Length;
    private static readonly int SubCount = Enum.GetValues<SubResource>().Length;
    private static readonly S3Operation[] Table = Build();

    public static S3Operation Route(RequestMethod method, RouteTarget target, SubResource sub, bool copySource) =>
        Table[Index((int)method, (int)target, (int)sub, copySource)];

    private static int Index(int method, int target, int sub, bool copy) =>
        (((method * TargetCount) + target) * SubCount + sub) * 2 + (copy ? 1 : 0);

    private static S3Operation[] Build()
    {
        var table = new S3Operation[MethodCount * TargetCount * SubCount * 2];

        void Set(RequestMethod m, RouteTarget t, SubResource s, S3Operation op, bool? copy = null)
        {
            if (copy is null or false)
            {
                table[Index((int)m, (int)t, (int)s, false)] = op;
            }

            if (copy is null or true)
            {
                table[Index((int)m, (int)t, (int)s, true)] = op;
            }
        }

        // A recognized but unbuilt sub-resource is 501 on every method a target accepts.
        foreach (var m in new[] { RequestMethod.Get, RequestMethod.Put, RequestMethod.Post, RequestMethod.Delete, RequestMethod.Head })
        {
            Set(m, RouteTarget.Bucket, SubResource.Unsupported, S3Operation.NotImplemented);
            Set(m, RouteTarget.Object, SubResource.Unsupported, S3Operation.NotImplemented);
        }

        // Service
        Set(RequestMethod.Get, RouteTarget.Service, SubResource.None, S3Operation.ListBuckets);

        // Bucket
        Set(RequestMethod.Put, RouteTarget.Bucket, SubResource.None, S3Operation.CreateBucket);
        Set(RequestMethod.Put, RouteTarget.Bucket, SubResource.Versioning, S3Operation.NotImplemented);
        Set(RequestMethod.Delete, RouteTarget.Bucket, SubResource.None, S3Operation.DeleteBucket);
        Set(RequestMethod.Head, RouteTarget.Bucket, SubResource.None, S3Operation.HeadBucket);
        Set(RequestMethod.Get, RouteTarget.Bucket, SubResource.None, S3Operation.ListObjects);
        Set(RequestMethod.Get, RouteTarget.Bucket, SubResource.ListTypeV2, S3Operation.ListObjectsV2);
        Set(RequestMethod.Get, RouteTarget.Bucket, SubResource.Location, S3Operation.GetBucketLocation);
        Set(RequestMethod.Get, RouteTarget.Bucket, SubResource.Versioning, S3Operation.GetBucketVersioning);
        Set(RequestMethod.Get, RouteTarget.Bucket, SubResource.Versions, S3Operation.ListObjectVersions);
        Set(RequestMethod.Get, RouteTarget.Bucket, SubResource.Uploads, S3Operation.ListMultipartUploads);
        Set(RequestMethod.Post, RouteTarget.Bucket, SubResource.Delete, S3Operation.DeleteObjects);

        // Object
        Set(RequestMethod.Put, RouteTarget.Object, SubResource.None, S3Operation.PutObject, copy: false);
        Set(RequestMethod.Put, RouteTarget.Object, SubResource.None, S3Operation.CopyObject, copy: true);
        Set(RequestMethod.Patch, RouteTarget.Object, SubResource.None, S3Operation.CopyObject, copy: true);
        Set(RequestMethod.Put, RouteTarget.Object, SubResource.UploadId, S3Operation.UploadPart, copy: false);
        Set(RequestMethod.Put, RouteTarget.Object, SubResource.UploadId, S3Operation.UploadPartCopy, copy: true);
        Set(RequestMethod.Get, RouteTarget.Object, SubResource.None, S3Operation.GetObject);
        Set(RequestMethod.Head, RouteTarget.Object, SubResource.None, S3Operation.HeadObject);
        Set(RequestMethod.Delete, RouteTarget.Object, SubResource.None, S3Operation.DeleteObject);
        Set(RequestMethod.Post, RouteTarget.Object, SubResource.Uploads, S3Operation.CreateMultipartUpload);
        Set(RequestMethod.Post, RouteTarget.Object, SubResource.UploadId, S3Operation.CompleteMultipartUpload);
        Set(RequestMethod.Delete, RouteTarget.Object, SubResource.UploadId, S3Operation.AbortMultipartUpload);
        Set(RequestMethod.Get, RouteTarget.Object, SubResource.UploadId, S3Operation.ListParts);
        return table;
    }
}
