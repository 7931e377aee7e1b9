using System.Xml;
using FastS3.Common.Errors;
using FastS3.S3.Xml;

namespace FastS3.S3;

public sealed partial class S3Application
{
    private ValueTask ListBuckets(S3Request r)
    {
        var xml = new XmlOut();
        xml.Declaration().Open("ListAllMyBucketsResult", s3Namespace: true)
            .Open("Owner").Element("ID", OwnerId(r)).Element("DisplayName", OwnerName(r)).Close("Owner")
            .Open("Buckets");
        foreach (var b in _store.ListBuckets())
        {
            xml.Open("Bucket").Element("Name", b.Name).Element("CreationDate", b.CreationDate).Element("BucketRegion", _options.Region).Close("Bucket");
        }

        xml.Close("Buckets").Close("ListAllMyBucketsResult");
        WriteXml(r, xml);
        return ValueTask.CompletedTask;
    }

    private async ValueTask CreateBucketAsync(S3Request r)
    {
        if (!BucketNames.IsValid(r.Bucket!))
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName);
        }

        // The optional CreateBucketConfiguration names a LocationConstraint; it must be ours.
        var body = await ReadSmallBodyAsync(r);
        if (body.Length > 0)
        {
            var constraint = ParseLocationConstraint(body);
            if (!string.IsNullOrEmpty(constraint) && constraint != _options.Region)
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, $"The specified location-constraint '{constraint}' is not valid; this server's region is {_options.Region}.");
            }
        }

        Check(await _store.CreateBucketAsync(r.Bucket!, r.Aborted));
        var response = r.Response;
        response.Start(200);
        response.Header("x-amz-request-id"u8, r.RequestIdBytes);
        response.Header("Location"u8, "/" + r.Bucket);
        response.EndHeaders(0);
    }

    private async ValueTask DeleteBucketAsync(S3Request r)
    {
        Check(await _store.DeleteBucketAsync(r.Bucket!, r.Aborted));
        WriteEmpty(r, 204);
    }

    private ValueTask HeadBucket(S3Request r)
    {
        RequireBucket(r);
        var response = r.Response;
        response.Start(200);
        response.Header("x-amz-request-id"u8, r.RequestIdBytes);
        response.Header("x-amz-bucket-region"u8, _options.Region);
        response.EndHeaders(0);
        return ValueTask.CompletedTask;
    }

    private ValueTask GetBucketLocation(S3Request r)
    {
        RequireBucket(r);

        // us-east-1 is reported as an empty LocationConstraint (S3 API Reference, GetBucketLocation).
        var xml = new XmlOut();
        xml.Declaration().Open("LocationConstraint", s3Namespace: true);
        if (_options.Region != "us-east-1")
        {
            xml.Content(_options.Region);
        }

        xml.Close("LocationConstraint");
        WriteXml(r, xml);
        return ValueTask.CompletedTask;
    }

    private ValueTask GetBucketVersioning(S3Request r)
    {
        RequireBucket(r);

        // Versioning has never been enabled: S3 answers with an empty configuration.
        var xml = new XmlOut();
        xml.Declaration().Open("VersioningConfiguration", s3Namespace: true).Close("VersioningConfiguration");
        WriteXml(r, xml);
        return ValueTask.CompletedTask;
    }

    private void RequireBucket(S3Request r)
    {
        if (_store.GetBucket(r.Bucket!) is null)
        {
            throw new S3Exception(S3ErrorCode.NoSuchBucket);
        }
    }

    private static string? ParseLocationConstraint(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var reader = XmlBody.CreateReader(body);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "LocationConstraint")
                {
                    return reader.ReadElementContentAsString();
                }
            }

            return null;
        }
        catch (XmlException)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }
    }

    private static string OwnerId(S3Request r) => r.AccessKey ?? "anonymous";

    private static string OwnerName(S3Request r) => r.AccessKey ?? "anonymous";
}
