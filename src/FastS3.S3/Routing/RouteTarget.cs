namespace FastS3.S3.Routing;

/// <summary>What the path addresses once the bucket has been found (path or virtual-host style).</summary>
public enum RouteTarget : byte
{
    Service = 0,
    Bucket,
    Object,
}
