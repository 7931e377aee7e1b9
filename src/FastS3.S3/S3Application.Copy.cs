using System.Globalization;
using System.Security.Cryptography;
using FastS3.Common.Errors;
using FastS3.S3.Xml;
using FastS3.Storage;

namespace FastS3.S3;

public sealed partial class S3Application
{
    private async ValueTask CopyObjectAsync(S3Request r)
    {
        var (source, sourceObject) = ResolveCopySource(r);
        var directive = r.Header("x-amz-metadata-directive"u8) ?? "COPY";
        if (directive is not ("COPY" or "REPLACE"))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Unknown metadata directive.");
        }

        if (source.Bucket == r.Bucket && source.Key == r.Key && directive == "COPY")
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }

        var info = directive == "REPLACE"
            ? ObjectInfoFromHeaders(r, r.Key!)
            : sourceObject.Info with { Key = r.Key!, LastModified = _clock.GetUtcNow(), PartsCount = 0, Checksum = null };

        var begin = _store.BeginPut(r.Bucket!, r.Key!);
        Check(begin);
        await using var writer = begin.Value!;
        var md5 = await CopyRangeAsync(sourceObject, 0, sourceObject.Info.Size, writer.WriteAsync, r.Aborted);
        var etag = "\"" + Convert.ToHexStringLower(md5) + "\"";
        var committed = await writer.CommitAsync(info with { Size = sourceObject.Info.Size, ETag = etag }, ReadWriteCondition(r), r.Aborted);
        Check(committed);

        var xml = new XmlOut();
        xml.Declaration().Open("CopyObjectResult", s3Namespace: true)
            .Element("LastModified", committed.Value!.LastModified)
            .Element("ETag", etag)
            .Close("CopyObjectResult");
        WriteXml(r, xml);
    }

    private async ValueTask UploadPartCopyAsync(S3Request r)
    {
        var partNumber = ParsePartNumber(r);
        var (_, sourceObject) = ResolveCopySource(r);
        long offset = 0;
        var length = sourceObject.Info.Size;
        var range = r.Header("x-amz-copy-source-range"u8);
        if (range is not null && ByteRange.Parse(range, sourceObject.Info.Size, out offset, out length) != ByteRange.Result.Satisfiable)
        {
            throw new S3Exception(S3ErrorCode.InvalidRange, "The x-amz-copy-source-range is not satisfiable or malformed.");
        }

        var begin = _store.BeginUploadPart(r.Bucket!, r.Key!, r.Query.Get("uploadId")!, partNumber);
        Check(begin);
        await using var writer = begin.Value!;
        var md5 = await CopyRangeAsync(sourceObject, offset, length, writer.WriteAsync, r.Aborted);
        var etag = "\"" + Convert.ToHexStringLower(md5) + "\"";
        var committed = await writer.CommitAsync(etag, null, r.Aborted);
        Check(committed);

        var xml = new XmlOut();
        xml.Declaration().Open("CopyPartResult", s3Namespace: true)
            .Element("LastModified", committed.Value!.LastModified)
            .Element("ETag", etag)
            .Close("CopyPartResult");
        WriteXml(r, xml);
    }

    /// <summary>Finds the copy source and applies the x-amz-copy-source-if-* conditions (all 412 on failure).</summary>
    private (CopySource Source, StoredObject Object) ResolveCopySource(S3Request r)
    {
        var source = CopySource.Parse(r.Header("x-amz-copy-source"u8)!);
        var found = _store.GetObject(source.Bucket, source.Key);
        Check(found);
        var info = found.Value!.Info;

        var ifMatch = r.Header("x-amz-copy-source-if-match"u8);
        var ifNoneMatch = r.Header("x-amz-copy-source-if-none-match"u8);
        var ifUnmodified = r.Header("x-amz-copy-source-if-unmodified-since"u8);
        var ifModified = r.Header("x-amz-copy-source-if-modified-since"u8);
        var failed =
            (ifMatch is not null && !ETags.Match(ifMatch, info.ETag)) ||
            (ifMatch is null && TryParseHttpDate(ifUnmodified, out var u) && Truncate(info.LastModified) > u) ||
            (ifNoneMatch is not null && ETags.Match(ifNoneMatch, info.ETag)) ||
            (ifNoneMatch is null && TryParseHttpDate(ifModified, out var m) && Truncate(info.LastModified) <= m);
        if (failed)
        {
            throw new S3Exception(S3ErrorCode.PreconditionFailed);
        }

        return (source, found.Value!);
    }

    private static async ValueTask<byte[]> CopyRangeAsync(StoredObject source, long offset, long length, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<StoreResult<bool>>> write, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        await foreach (var chunk in source.Content.ReadAsync(offset, length, cancellationToken))
        {
            md5.AppendData(chunk.Span);
            var written = await write(chunk, cancellationToken);
            if (!written.IsSuccess)
            {
                throw new S3Exception(written.Error, written.Message);
            }
        }

        return md5.GetHashAndReset();
    }

    private int ParsePartNumber(S3Request r)
    {
        var text = r.Query.Get("partNumber");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > _options.MaxPartNumber)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"Part number must be an integer between 1 and {_options.MaxPartNumber}, inclusive.");
        }

        return n;
    }
}
