using System.Xml;

namespace FastS3.S3.Xml;

/// <summary>Readers for the small XML request bodies (DeleteObjects, CompleteMultipartUpload,
/// CreateBucketConfiguration): no DTDs, no external entities (XXE), bounded input.</summary>
public static class XmlBody
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersInDocument = 8 * 1024 * 1024,
    };

    public static XmlReader CreateReader(ReadOnlyMemory<byte> body)
    {
        var stream = new MemoryStream(body.ToArray(), writable: false);
        return XmlReader.Create(stream, Settings);
    }
}
