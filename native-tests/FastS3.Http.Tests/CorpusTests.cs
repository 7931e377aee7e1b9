using System.Text;

namespace FastS3.Http.Tests;

/// <summary>Every captured client request parses to what the bytes say.</summary>
public class CorpusTests
{
    /// <summary>Expected head of every corpus file, read off the bytes independently of the parser.</summary>
    private static readonly CorpusHead[] Rows =
    [
        new CorpusHead("awscli-complete-multipart-upload-cp", "POST", "/corpus-cli/big20m.bin", "uploadId=teyvRNq5KqnKeJHCTsaLnvTElIetcCzlFhXrXZ3olkmYDvoSniCuYTZjQ", 9, 474, false, false, 792),
        new CorpusHead("awscli-copy-object", "PUT", "/corpus-cli/hello-copy.txt", "", 10, 0, false, false, 787),
        new CorpusHead("awscli-create-bucket-mb", "PUT", "/corpus-cli", "", 9, 0, false, false, 713),
        new CorpusHead("awscli-create-multipart-upload-cp", "POST", "/corpus-cli/big20m.bin", "uploads", 11, 0, false, false, 842),
        new CorpusHead("awscli-delete-bucket-rb", "DELETE", "/corpus-cli", "", 9, 0, false, false, 716),
        new CorpusHead("awscli-delete-object-rm", "DELETE", "/corpus-cli/big20m.bin", "", 9, 0, false, false, 725),
        new CorpusHead("awscli-delete-objects", "POST", "/corpus-cli", "delete", 11, 239, false, false, 844),
        new CorpusHead("awscli-get-object-cp-download", "GET", "/corpus-cli/hello.txt", "", 9, -1, false, false, 752),
        new CorpusHead("awscli-get-object-range", "GET", "/corpus-cli/range.txt", "", 10, -1, false, false, 782),
        new CorpusHead("awscli-head-object-cp-download", "HEAD", "/corpus-cli/hello.txt", "", 8, -1, false, false, 703),
        new CorpusHead("awscli-head-object", "HEAD", "/corpus-cli/hello.txt", "", 8, -1, false, false, 705),
        new CorpusHead("awscli-list-objects-v2-ls", "GET", "/corpus-cli", "list-type=2&prefix=&delimiter=%2F&encoding-type=url", 8, -1, false, false, 748),
        new CorpusHead("awscli-put-object-cp", "PUT", "/corpus-cli/hello.txt", "", 13, 67, true, false, 904),
        new CorpusHead("awscli-put-object-crc32c", "PUT", "/corpus-cli/crc32c.txt", "", 12, 67, true, false, 892),
        new CorpusHead("awscli-upload-part-cp-part1-truncated", "PUT", "/corpus-cli/big20m.bin", "uploadId=teyvRNq5KqnKeJHCTsaLnvTElIetcCzlFhXrXZ3olkmYDvoSniCuYTZjQ&partNumber=1", 12, 8388608, true, false, 951),
        new CorpusHead("boto3-create-bucket", "PUT", "/corpus-boto3", "", 9, 0, false, false, 713),
        new CorpusHead("boto3-delete-bucket", "DELETE", "/corpus-boto3", "", 9, 0, false, false, 716),
        new CorpusHead("boto3-delete-objects", "POST", "/corpus-boto3", "delete", 11, 191, false, false, 844),
        new CorpusHead("boto3-get-object-checksum-mode", "GET", "/corpus-boto3/hello.txt", "", 9, -1, false, false, 754),
        new CorpusHead("boto3-list-objects-v2-delimiter", "GET", "/corpus-boto3", "list-type=2&delimiter=%2F&encoding-type=url", 8, -1, false, false, 738),
        new CorpusHead("boto3-put-object-when-required", "PUT", "/corpus-boto3/hello.txt", "", 10, 67, true, false, 746),
        new CorpusHead("boto3-put-object", "PUT", "/corpus-boto3/hello.txt", "", 12, 67, true, false, 867),
        new CorpusHead("curl-create-bucket", "PUT", "/corpus-curl", "", 5, -1, false, false, 324),
        new CorpusHead("curl-delete-object", "DELETE", "/corpus-curl/hello.txt", "", 5, -1, false, false, 337),
        new CorpusHead("curl-get-object", "GET", "/corpus-curl/hello.txt", "", 5, -1, false, false, 334),
        new CorpusHead("curl-put-object-data-binary", "PUT", "/corpus-curl/range.txt", "", 7, 1000, false, false, 405),
        new CorpusHead("curl-put-object-upload-file-unsigned-payload", "PUT", "/corpus-curl/hello.txt", "", 8, 67, true, false, 437),
        new CorpusHead("curl-put-object-upload-file", "PUT", "/corpus-curl/hello.txt", "", 7, 67, true, false, 376),
        new CorpusHead("dotnet-complete-multipart-upload-transferutility", "POST", "/corpus-dotnet/tu20m.bin", "uploadId=N76jHbgS9rgDDThb6ijJrce12Jy7ds636XwcR2p3hKGJinZef5XTPEg", 12, 474, false, false, 1012),
        new CorpusHead("dotnet-complete-multipart-upload", "POST", "/corpus-dotnet/mpu12m.bin", "uploadId=vPkIT6eiQhMDMfN2rZ7U0eEhWPHJ4XE87dRfxQThrs6UPyjGWGA44mbQ", 11, 474, false, false, 932),
        new CorpusHead("dotnet-create-bucket", "PUT", "/corpus-dotnet/", "", 10, 0, false, false, 802),
        new CorpusHead("dotnet-create-multipart-upload-transferutility", "POST", "/corpus-dotnet/tu20m.bin", "uploads", 11, 0, false, false, 920),
        new CorpusHead("dotnet-create-multipart-upload", "POST", "/corpus-dotnet/mpu12m.bin", "uploads", 9, 0, false, false, 781),
        new CorpusHead("dotnet-delete-bucket", "DELETE", "/corpus-dotnet/", "", 7, -1, false, false, 693),
        new CorpusHead("dotnet-delete-objects-when-required", "POST", "/corpus-dotnet/", "delete", 12, 186, false, false, 935),
        new CorpusHead("dotnet-delete-objects", "POST", "/corpus-dotnet/", "delete", 12, 387, false, false, 935),
        new CorpusHead("dotnet-get-object-when-required", "GET", "/corpus-dotnet/when-required.txt", "", 7, -1, false, false, 707),
        new CorpusHead("dotnet-get-object", "GET", "/corpus-dotnet/hello.txt", "", 8, -1, false, false, 749),
        new CorpusHead("dotnet-list-objects-v2", "GET", "/corpus-dotnet/", "list-type=2", 7, -1, false, false, 702),
        new CorpusHead("dotnet-put-object-200k", "PUT", "/corpus-dotnet/200k.bin", "", 14, 205276, true, false, 1026),
        new CorpusHead("dotnet-put-object-contentbody", "PUT", "/corpus-dotnet/contentbody.txt", "", 14, 317, true, false, 1012),
        new CorpusHead("dotnet-put-object-crc32c", "PUT", "/corpus-dotnet/crc32c.txt", "", 14, 362, true, false, 1009),
        new CorpusHead("dotnet-put-object-default", "PUT", "/corpus-dotnet/hello.txt", "", 14, 361, true, false, 1006),
        new CorpusHead("dotnet-put-object-transferutility", "PUT", "/corpus-dotnet/tu-small.txt", "", 14, 361, true, false, 1034),
        new CorpusHead("dotnet-put-object-usechunkencoding-false", "PUT", "/corpus-dotnet/chunked-false.txt", "", 12, 67, true, false, 926),
        new CorpusHead("dotnet-put-object-usechunkencoding-true", "PUT", "/corpus-dotnet/chunked-true.txt", "", 14, 361, true, false, 1013),
        new CorpusHead("dotnet-put-object-when-required", "PUT", "/corpus-dotnet/when-required.txt", "", 12, 240, true, false, 887),
        new CorpusHead("dotnet-upload-part-part1-truncated", "PUT", "/corpus-dotnet/mpu12m.bin", "partNumber=1&uploadId=vPkIT6eiQhMDMfN2rZ7U0eEhWPHJ4XE87dRfxQThrs6UPyjGWGA44mbQ", 14, 5248847, true, false, 1095),
        new CorpusHead("dotnet-upload-part-transferutility-part1-truncated", "PUT", "/corpus-dotnet/tu20m.bin", "partNumber=1&uploadId=N76jHbgS9rgDDThb6ijJrce12Jy7ds636XwcR2p3hKGJinZef5XTPEg", 14, 8398084, true, false, 1121),
        new CorpusHead("urllib-get-object-presigned-default", "GET", "/corpus-boto3/hello.txt", "AWSAccessKeyId=AKIAEXAMPLECORPUS&Signature=PJI9F2Krkwng5b8YjzMXLx0gUgw%3D&Expires=1795568141", 4, -1, false, true, 234),
        new CorpusHead("urllib-get-object-presigned-sigv4", "GET", "/corpus-boto3/hello.txt", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLECORPUS%2F20261124%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261124T235555Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=f094ac0a663de83da5d8c5f71d4e42c38e342f7ae2e84628bfec754e05aa4045", 4, -1, false, true, 405),
        new CorpusHead("urllib-put-object-presigned-sigv4", "PUT", "/corpus-boto3/presigned-put.txt", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLECORPUS%2F20261124%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261124T235555Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=fb7cab87a7de01daaba6c53b2f8d235cbbe666641c0ed095936f14abcad1252f", 6, 33, false, true, 482),
    ];

    public static TheoryData<CorpusHead> Expected => new(Rows);

    public static readonly TheoryData<string> Truncated =
    [
        "awscli-upload-part-cp-part1-truncated",
        "dotnet-upload-part-part1-truncated",
        "dotnet-upload-part-transferutility-part1-truncated",
    ];

    [Fact]
    public void Table_covers_every_corpus_file()
    {
        var names = Rows.Select(row => row.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(52, names.Length);
        Assert.Equal(names, Corpus.Names.ToArray());
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void Corpus_request_parses_as_expected(CorpusHead expected)
    {
        var bytes = Corpus.Read(expected.Name);
        var head = Heads.Parse(bytes);

        Assert.Equal(expected.Method, head.Method);
        Assert.Equal(expected.Path, head.Path);
        Assert.Equal(expected.Query, head.Query);
        Assert.Equal(expected.HeaderCount, head.HeaderCount);
        Assert.Equal("127.0.0.1:18556", head.Host);
        Assert.Equal(expected.ContentLength, head.ContentLength);
        Assert.Equal(expected.ExpectContinue, head.ExpectContinue);
        Assert.Equal(expected.ConnectionClose, head.ConnectionClose);
        Assert.Equal(expected.HeadLength, head.HeadLength);
        Assert.True(head.IsHttp11);
        Assert.False(head.IsChunked);
        Assert.Equal(KnownMethodOf(expected.Method), head.KnownMethod);
    }

    /// <summary>Header names and values, in order, equal a naive split of the head's lines.</summary>
    [Theory]
    [MemberData(nameof(Expected))]
    public void Corpus_headers_match_a_reference_split(CorpusHead expected)
    {
        var bytes = Corpus.Read(expected.Name);
        var head = Heads.Parse(bytes);
        var text = Encoding.Latin1.GetString(bytes, 0, Heads.HeadEnd(bytes));
        var lines = text.Split("\r\n")[1..^2];
        var reference = new StringBuilder();
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            reference.Append(line[..colon]).Append(": ").Append(line[(colon + 1)..].Trim(' ', '\t')).Append('\n');
        }

        Assert.Equal(reference.ToString(), head.Headers);
    }

    /// <summary>A truncated upload still has a complete head; its body is shorter than Content-Length,
    /// which is the body reader's concern, not the head parser's.</summary>
    [Theory]
    [MemberData(nameof(Truncated))]
    public void Truncated_upload_parses_its_head(string name)
    {
        var bytes = Corpus.Read(name);
        var head = Heads.Parse(bytes);
        var bodyKept = bytes.Length - head.HeadLength;
        Assert.True(bodyKept > 0);
        Assert.True(head.ContentLength > bodyKept, $"Content-Length {head.ContentLength} should exceed the {bodyKept} bytes kept");
        Assert.True(head.ExpectContinue);
        Assert.Equal(RequestMethod.Put, head.KnownMethod);
        Assert.Contains("partNumber=1", head.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void Urllib_requests_ask_to_close()
    {
        foreach (var name in Corpus.Names)
        {
            var head = Heads.Parse(Corpus.Read(name));
            Assert.Equal(name.StartsWith("urllib-", StringComparison.Ordinal), head.ConnectionClose);
        }
    }

    private static RequestMethod KnownMethodOf(string method) => method switch
    {
        "GET" => RequestMethod.Get,
        "PUT" => RequestMethod.Put,
        "POST" => RequestMethod.Post,
        "DELETE" => RequestMethod.Delete,
        "HEAD" => RequestMethod.Head,
        _ => RequestMethod.Custom,
    };
}

/// <summary>One row of <see cref="CorpusTests.Expected"/>.</summary>
public sealed record CorpusHead(
    string Name,
    string Method,
    string Path,
    string Query,
    int HeaderCount,
    long ContentLength,
    bool ExpectContinue,
    bool ConnectionClose,
    int HeadLength)
{
    public override string ToString() => Name;
}
