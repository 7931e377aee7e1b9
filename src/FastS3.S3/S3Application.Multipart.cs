using System.Globalization;
using System.Security.Cryptography;
using System.Xml;
using FastS3.Auth.Checksums;
using FastS3.Common.Errors;
using FastS3.S3.Xml;
using FastS3.Storage;

namespace FastS3.S3;

public sealed partial class S3Application
{
    private ValueTask CreateMultipartUploadAsync(S3Request r)
    {
        var template = ObjectInfoFromHeaders(r, r.Key!);
        var algorithm = r.Header("x-amz-checksum-algorithm"u8)?.ToUpperInvariant();
        if (algorithm is not null && ChecksumNames.FromAlgorithmName(System.Text.Encoding.ASCII.GetBytes(algorithm)) is ChecksumAlgorithm.None or ChecksumAlgorithm.Md5)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, $"Checksum algorithm '{algorithm}' is not supported.");
        }

        var type = r.Header("x-amz-checksum-type"u8)?.ToUpperInvariant();
        if (type is not (null or "FULL_OBJECT" or "COMPOSITE"))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "x-amz-checksum-type must be FULL_OBJECT or COMPOSITE.");
        }

        // CRC64NVME exists only as a full-object checksum; SHA checksums only as composite (S3 User Guide,
        // "Checking object integrity": checksum types per algorithm).
        var fullObject = type == "FULL_OBJECT" || (type is null && algorithm is null or "CRC64NVME");
        if ((fullObject && algorithm is "SHA1" or "SHA256") || (!fullObject && algorithm is "CRC64NVME"))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, $"The {type} checksum type cannot be used with the {algorithm} checksum algorithm.");
        }

        var created = _store.CreateMultipartUpload(r.Bucket!, template, algorithm, fullObject);
        Check(created);

        var xml = new XmlOut();
        xml.Declaration().Open("InitiateMultipartUploadResult", s3Namespace: true)
            .Element("Bucket", r.Bucket)
            .Element("Key", r.Key)
            .Element("UploadId", created.Value!.UploadId)
            .Close("InitiateMultipartUploadResult");
        var response = r.Response;
        response.Start(200);
        response.Header("x-amz-request-id"u8, r.RequestIdBytes);
        if (algorithm is not null)
        {
            response.Header("x-amz-checksum-algorithm"u8, algorithm);
            response.Header("x-amz-checksum-type"u8, fullObject ? "FULL_OBJECT" : "COMPOSITE");
        }

        response.Header("Content-Type"u8, "application/xml"u8);
        response.EndHeaders(xml.Length);
        response.WriteBody(xml.WrittenSpan);
        return ValueTask.CompletedTask;
    }

    private async ValueTask UploadPartAsync(S3Request r)
    {
        var partNumber = ParsePartNumber(r);
        var length = DeclaredBodyLength(r);
        var contentMd5 = ParseContentMd5(r);
        var uploadId = r.Query.Get("uploadId")!;
        var upload = _store.GetMultipartUpload(r.Bucket!, r.Key!, uploadId);
        Check(upload);
        var begin = _store.BeginUploadPart(r.Bucket!, r.Key!, uploadId, partNumber);
        Check(begin);
        await using var writer = begin.Value!;
        var digest = await ReceiveBodyAsync(r, length, writer.WriteAsync, UploadAlgorithm(upload.Value!));
        if (contentMd5 is not null && !contentMd5.AsSpan().SequenceEqual(digest.Md5))
        {
            throw new S3Exception(S3ErrorCode.BadDigest);
        }

        var etag = "\"" + Convert.ToHexStringLower(digest.Md5) + "\"";
        Check(await writer.CommitAsync(etag, digest.Checksum, r.Aborted));

        var response = r.Response;
        response.Start(200);
        response.Header("x-amz-request-id"u8, r.RequestIdBytes);
        response.Header("ETag"u8, etag);
        WriteChecksumHeaders(response, digest.Checksum);
        response.EndHeaders(0);
    }

    private async ValueTask CompleteMultipartUploadAsync(S3Request r)
    {
        var uploadId = r.Query.Get("uploadId")!;
        var upload = _store.GetMultipartUpload(r.Bucket!, r.Key!, uploadId);
        Check(upload);
        var body = await ReadSmallBodyAsync(r);
        var requested = ParseCompleteRequest(body);
        if (requested.Count > _options.MaxPartNumber)
        {
            throw new S3Exception(S3ErrorCode.TooManyParts);
        }

        for (var i = 1; i < requested.Count; i++)
        {
            if (requested[i].PartNumber <= requested[i - 1].PartNumber)
            {
                throw new S3Exception(S3ErrorCode.InvalidPartOrder);
            }
        }

        var stored = _store.ListParts(r.Bucket!, r.Key!, uploadId);
        Check(stored);
        var byNumber = stored.Value!.ToDictionary(p => p.PartNumber);
        using var md5s = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        long total = 0;
        for (var i = 0; i < requested.Count; i++)
        {
            var want = requested[i];
            if (!byNumber.TryGetValue(want.PartNumber, out var part) || !ETags.Match(want.ETag, part.ETag))
            {
                throw new S3Exception(S3ErrorCode.InvalidPart, $"Part {want.PartNumber} was not uploaded or its ETag does not match.");
            }

            if (i < requested.Count - 1 && part.Size < _options.MinPartBytes)
            {
                throw new S3Exception(S3ErrorCode.EntityTooSmall, $"Part {part.PartNumber} is {part.Size} bytes; every part but the last must be at least {_options.MinPartBytes} bytes.");
            }

            md5s.AppendData(Convert.FromHexString(ETags.Unquote(part.ETag)));
            total += part.Size;
        }

        // S3's multipart ETag: MD5 of the concatenated binary part MD5s, then "-<part count>".
        var etag = "\"" + Convert.ToHexStringLower(md5s.GetHashAndReset()) + "-" + requested.Count.ToString(CultureInfo.InvariantCulture) + "\"";
        var checksum = UploadChecksum(upload.Value!, requested, byNumber);
        var final = upload.Value!.Template with
        {
            Size = total,
            ETag = etag,
            LastModified = _clock.GetUtcNow(),
            PartsCount = requested.Count,
            PartSizes = [.. requested.Select(p => byNumber[p.PartNumber].Size)],
            Checksum = checksum,
        };
        var completed = await _store.CompleteMultipartUploadAsync(r.Bucket!, r.Key!, uploadId, requested, final, ReadWriteCondition(r), r.Aborted);
        Check(completed);

        var xml = new XmlOut();
        xml.Declaration().Open("CompleteMultipartUploadResult", s3Namespace: true)
            .Element("Location", "/" + r.Bucket + "/" + r.Key)
            .Element("Bucket", r.Bucket)
            .Element("Key", r.Key)
            .Element("ETag", etag);
        if (checksum is not null)
        {
            xml.Element("Checksum" + checksum.Algorithm, checksum.Value).Element("ChecksumType", checksum.Type);
        }

        xml.Close("CompleteMultipartUploadResult");
        WriteXml(r, xml);
    }

    private async ValueTask AbortMultipartUploadAsync(S3Request r)
    {
        Check(await _store.AbortMultipartUploadAsync(r.Bucket!, r.Key!, r.Query.Get("uploadId")!, r.Aborted));
        WriteEmpty(r, 204);
    }

    private ValueTask ListParts(S3Request r)
    {
        var uploadId = r.Query.Get("uploadId")!;
        var maxParts = ParsePageSize(r.Query.Get("max-parts"), "max-parts");
        var marker = ParseNonNegative(r.Query.Get("part-number-marker"), 0, "part-number-marker");
        var parts = _store.ListParts(r.Bucket!, r.Key!, uploadId);
        Check(parts);
        var after = parts.Value!.Where(p => p.PartNumber > marker).ToList();
        var page = after.Take(maxParts).ToList();
        var truncated = after.Count > page.Count;

        var xml = new XmlOut();
        xml.Declaration().Open("ListPartsResult", s3Namespace: true)
            .Element("Bucket", r.Bucket)
            .Element("Key", r.Key)
            .Element("UploadId", uploadId)
            .Open("Initiator").Element("ID", OwnerId(r)).Element("DisplayName", OwnerName(r)).Close("Initiator")
            .Open("Owner").Element("ID", OwnerId(r)).Element("DisplayName", OwnerName(r)).Close("Owner")
            .Element("StorageClass", "STANDARD")
            .Element("PartNumberMarker", marker)
            .Element("NextPartNumberMarker", page.Count > 0 ? page[^1].PartNumber : marker)
            .Element("MaxParts", maxParts)
            .Element("IsTruncated", truncated);
        foreach (var p in page)
        {
            xml.Open("Part")
                .Element("PartNumber", p.PartNumber)
                .Element("LastModified", p.LastModified)
                .Element("ETag", p.ETag)
                .Element("Size", p.Size);
            if (p.Checksum is { } c)
            {
                xml.Element("Checksum" + c.Algorithm, c.Value);
            }

            xml.Close("Part");
        }

        xml.Close("ListPartsResult");
        WriteXml(r, xml);
        return ValueTask.CompletedTask;
    }

    private ValueTask ListMultipartUploads(S3Request r)
    {
        var q = r.Query;
        var prefix = q.Get("prefix") ?? string.Empty;
        var keyMarker = q.Get("key-marker") ?? string.Empty;
        var uploadIdMarker = q.Get("upload-id-marker") ?? string.Empty;
        var maxUploads = ParsePageSize(q.Get("max-uploads"), "max-uploads");
        var listed = _store.ListMultipartUploads(r.Bucket!, prefix, keyMarker, uploadIdMarker, maxUploads + 1); // one more: is the page truncated?
        Check(listed);
        var page = listed.Value!.Take(maxUploads).ToList();
        var truncated = listed.Value!.Count > page.Count;

        var xml = new XmlOut();
        xml.Declaration().Open("ListMultipartUploadsResult", s3Namespace: true)
            .Element("Bucket", r.Bucket)
            .Element("KeyMarker", keyMarker)
            .Element("UploadIdMarker", uploadIdMarker)
            .Element("NextKeyMarker", page.Count > 0 ? page[^1].Key : string.Empty)
            .Element("NextUploadIdMarker", page.Count > 0 ? page[^1].UploadId : string.Empty)
            .Element("Prefix", prefix)
            .Element("MaxUploads", maxUploads)
            .Element("IsTruncated", truncated);
        foreach (var u in page)
        {
            xml.Open("Upload")
                .Element("Key", u.Key)
                .Element("UploadId", u.UploadId)
                .Open("Initiator").Element("ID", OwnerId(r)).Element("DisplayName", OwnerName(r)).Close("Initiator")
                .Open("Owner").Element("ID", OwnerId(r)).Element("DisplayName", OwnerName(r)).Close("Owner")
                .Element("StorageClass", "STANDARD")
                .Element("Initiated", u.Initiated)
                .Close("Upload");
        }

        xml.Close("ListMultipartUploadsResult");
        WriteXml(r, xml);
        return ValueTask.CompletedTask;
    }

    /// <summary>The checksum every part of an upload is computed with: the one named at creation,
    /// else CRC64NVME (which S3 combines into a full-object checksum by default).</summary>
    private static ChecksumAlgorithm UploadAlgorithm(MultipartUpload upload) =>
        upload.ChecksumAlgorithm is null ? ChecksumAlgorithm.Crc64Nvme : ChecksumNames.FromAlgorithmName(System.Text.Encoding.ASCII.GetBytes(upload.ChecksumAlgorithm));

    /// <summary>
    /// The object's checksum at Complete: FULL_OBJECT combines the part CRCs (no data pass);
    /// COMPOSITE is the checksum of the part checksums with "-N". A part checksum the client listed
    /// must equal the stored one (InvalidPart). Parts without a checksum of the upload's algorithm
    /// leave the object without one when none was requested, and are an error when one was.
    /// </summary>
    private static ObjectChecksum? UploadChecksum(MultipartUpload upload, List<CompletedPart> requested, Dictionary<int, PartInfo> stored)
    {
        var algorithm = UploadAlgorithm(upload);
        var name = ChecksumNames.AlgorithmName(algorithm);
        var crcs = new List<(byte[] Crc, long Length)>(requested.Count);
        foreach (var want in requested)
        {
            var part = stored[want.PartNumber];
            if (want.ChecksumValue is not null && (part.Checksum is null || want.ChecksumAlgorithm != part.Checksum.Algorithm || want.ChecksumValue != part.Checksum.Value))
            {
                throw new S3Exception(S3ErrorCode.InvalidPart, $"The checksum listed for part {want.PartNumber} does not match the part's checksum.");
            }

            if (part.Checksum is null || part.Checksum.Algorithm != name)
            {
                if (upload.ChecksumAlgorithm is null)
                {
                    return null;
                }

                throw new S3Exception(S3ErrorCode.InvalidRequest, $"The upload was created using the {name} checksum algorithm, but part {want.PartNumber} has no {name} checksum.");
            }

            crcs.Add((Convert.FromBase64String(part.Checksum.Value), part.Size));
        }

        return upload.FullObjectChecksum
            ? new ObjectChecksum(name, CompositeChecksum.CombineFullObject(algorithm, crcs), IsComposite: false)
            : new ObjectChecksum(name, CompositeChecksum.Compute(algorithm, [.. crcs.Select(c => c.Crc)]), IsComposite: true);
    }

    private static List<CompletedPart> ParseCompleteRequest(ReadOnlyMemory<byte> body)
    {
        var parts = new List<CompletedPart>();
        try
        {
            using var reader = XmlBody.CreateReader(body);
            int? number = null;
            string? etag = null;
            string? checksumAlgorithm = null;
            string? checksumValue = null;
            reader.MoveToContent();

            // ReadElementContentAsString leaves the reader on the next node, so the loop only
            // calls Read() when it did not just consume an element's content.
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "PartNumber")
                {
                    number = int.Parse(reader.ReadElementContentAsString(), NumberStyles.None, CultureInfo.InvariantCulture);
                    continue;
                }

                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "ETag")
                {
                    etag = reader.ReadElementContentAsString().Trim();
                    continue;
                }

                if (reader.NodeType == XmlNodeType.Element && reader.LocalName.StartsWith("Checksum", StringComparison.Ordinal) && reader.LocalName.Length > 8)
                {
                    checksumAlgorithm = reader.LocalName[8..].ToUpperInvariant();
                    checksumValue = reader.ReadElementContentAsString().Trim();
                    continue;
                }

                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Part")
                {
                    number = null;
                    etag = null;
                    checksumAlgorithm = null;
                    checksumValue = null;
                }
                else if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "Part")
                {
                    if (number is null || etag is null)
                    {
                        throw new S3Exception(S3ErrorCode.MalformedXML);
                    }

                    parts.Add(new CompletedPart(number.Value, etag, checksumAlgorithm, checksumValue));
                }

                reader.Read();
            }
        }
        catch (Exception ex) when (ex is XmlException or FormatException or OverflowException)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        if (parts.Count == 0)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML, "The XML you provided was not well-formed or did not validate against our published schema: no parts.");
        }

        return parts;
    }
}
