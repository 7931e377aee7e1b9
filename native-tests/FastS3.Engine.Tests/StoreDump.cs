using System.Security.Cryptography;
using FastS3.Storage;

namespace FastS3.Engine.Tests;

/// <summary>Everything a store exposes, as comparable lines: buckets, objects (all metadata and a hash of the bytes), uploads and parts.</summary>
internal static class StoreDump
{
    public static async Task<List<string>> DumpAsync(IObjectStore store)
    {
        var lines = new List<string>();
        foreach (var bucket in store.ListBuckets())
        {
            lines.Add($"bucket {bucket.Name} {bucket.CreationDate:O}");
            var page = store.ListObjects(bucket.Name, new ListRequest("", null, null, int.MaxValue)).Value!;
            foreach (var listed in page.Objects)
            {
                var got = store.GetObject(bucket.Name, listed.Key).Value!;
                var bytes = await EngineTestSupport.ReadAllAsync(got.Content);
                lines.Add($"  object {listed.Key} {Describe(got.Info)} bytes={bytes.Length} sha256={Convert.ToHexString(SHA256.HashData(bytes))}");
            }

            foreach (var upload in store.ListMultipartUploads(bucket.Name, "").Value!)
            {
                lines.Add($"  upload {upload.UploadId} {upload.Key} {upload.Initiated:O} {upload.ChecksumAlgorithm} {upload.FullObjectChecksum} {Describe(upload.Template)}");
                foreach (var part in store.ListParts(bucket.Name, upload.Key, upload.UploadId).Value!)
                {
                    lines.Add($"    part {part}");
                }
            }
        }

        return lines;
    }

    private static string Describe(ObjectInfo info) =>
        $"{info with { UserMetadata = [] }} meta=[{string.Join(",", info.UserMetadata.Select(p => p.Key + "=" + p.Value))}] offset={info.LastModified.Offset}";
}
