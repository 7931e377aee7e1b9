using System.Security.Cryptography;
using System.Xml;
using FastS3.Common.Errors;
using FastS3.S3.Xml;

namespace FastS3.S3;

public sealed partial class S3Application
{
    /// <summary>S3 deletes at most 1000 keys per request.</summary>
    private const int MaxDeleteKeys = 1000;

    private async ValueTask DeleteObjectsAsync(S3Request r)
    {
        RequireBucket(r);
        var contentMd5 = ParseContentMd5(r);
        var body = await ReadSmallBodyAsync(r);
        if (contentMd5 is not null && !MD5.HashData(body.Span).AsSpan().SequenceEqual(contentMd5))
        {
            throw new S3Exception(S3ErrorCode.BadDigest);
        }

        var (keys, quiet) = ParseDeleteRequest(body);
        var xml = new XmlOut();
        xml.Declaration().Open("DeleteResult", s3Namespace: true);
        foreach (var key in keys)
        {
            if (System.Text.Encoding.UTF8.GetByteCount(key) > _options.MaxKeyBytes || key.Length == 0)
            {
                xml.Open("Error").Element("Key", key).Element("Code", "KeyTooLongError").Element("Message", "Your key is too long.").Close("Error");
                continue;
            }

            var deleted = await _store.DeleteObjectAsync(r.Bucket!, key, r.Aborted);
            if (deleted.IsSuccess)
            {
                if (!quiet)
                {
                    xml.Open("Deleted").Element("Key", key).Close("Deleted");
                }
            }
            else
            {
                var info = S3ErrorTable.Get(deleted.Error);
                xml.Open("Error").Element("Key", key).Element("Code", info.Code).Element("Message", deleted.Message ?? info.Message).Close("Error");
            }
        }

        xml.Close("DeleteResult");
        WriteXml(r, xml);
    }

    private static (List<string> Keys, bool Quiet) ParseDeleteRequest(ReadOnlyMemory<byte> body)
    {
        var keys = new List<string>();
        var quiet = false;
        try
        {
            using var reader = XmlBody.CreateReader(body);
            reader.MoveToContent();
            var sawRoot = reader.LocalName == "Delete";
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Quiet")
                {
                    quiet = reader.ReadElementContentAsString().Trim().Equals("true", StringComparison.OrdinalIgnoreCase);
                    continue;
                }

                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Key")
                {
                    keys.Add(reader.ReadElementContentAsString());
                    if (keys.Count > MaxDeleteKeys)
                    {
                        throw new S3Exception(S3ErrorCode.MalformedXML, $"A DeleteObjects request may name at most {MaxDeleteKeys} keys.");
                    }

                    continue;
                }

                reader.Read();
            }

            if (!sawRoot || keys.Count == 0)
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }
        }
        catch (XmlException)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        return (keys, quiet);
    }
}
