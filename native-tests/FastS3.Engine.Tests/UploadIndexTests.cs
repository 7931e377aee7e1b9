using System.Collections.Immutable;
using System.IO.Hashing;
using FastS3.Common.Errors;
using FastS3.Engine.Checkpoints;
using FastS3.Engine.Format;
using FastS3.Engine.Index;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>Uploads in progress and their parts live in the B+tree beside the objects, not in memory or the checkpoint.</summary>
public sealed class UploadIndexTests
{
    private const string Bucket = "uploads";

    [Fact]
    public async Task Thousands_of_parts_live_in_the_tree_through_a_small_pool_and_survive_restart()
    {
        var disk = new SimulatedDisk();
        var options = Options(segmentBytes: 1 << 20);
        var expectedParts = new Dictionary<string, List<(int Number, byte[] Body)>>();
        int checkpointBefore;
        await using (var store = disk.Open(options))
        {
            await CreateBucketAsync(store, Bucket);
            await PutAsync(store, Bucket, "plain", Body(1, 10));
            Assert.True(store.Checkpoint());
            checkpointBefore = disk.Checkpoints.Read()!.Length;

            for (var u = 0; u < 120; u++)
            {
                var upload = store.CreateMultipartUpload(Bucket, Info($"big/{u:D3}", []), null, false).Value!;
                var parts = new List<(int, byte[])>();
                for (var n = 1; n <= 25; n++)
                {
                    var body = Body((u * 100) + n, 40 + n);
                    Assert.True((await PutPartAsync(store, Bucket, upload.Key, upload.UploadId, n * 3, body)).IsSuccess);
                    parts.Add((n * 3, body));
                }

                expectedParts[upload.UploadId] = parts;
            }

            var statistics = store.GetStatistics();
            Assert.Equal(1UL, statistics.IndexObjects);
            Assert.Equal(1UL + (2 * 120) + (120 * 25), statistics.IndexEntries); // an upload is listed twice (by id, by key); more than the 128-frame pool holds on a page each
            Assert.True(store.Checkpoint());
            Assert.InRange(disk.Checkpoints.Read()!.Length, checkpointBefore - 64, checkpointBefore + 64); // the checkpoint does not grow with them
        }

        await using (var store = disk.Open(options))
        {
            var uploads = store.ListMultipartUploads(Bucket, "big/").Value!;
            Assert.Equal(120, uploads.Count);
            Assert.Equal(uploads.Select(u => u.Key).Order(StringComparer.Ordinal), uploads.Select(u => u.Key));
            foreach (var upload in uploads)
            {
                var listed = store.ListParts(Bucket, upload.Key, upload.UploadId).Value!;
                Assert.Equal(expectedParts[upload.UploadId].Select(p => p.Number), listed.Select(p => p.PartNumber)); // number order
                Assert.Equal(expectedParts[upload.UploadId].Select(p => ETagOf(p.Body)), listed.Select(p => p.ETag));
            }

            // Complete one with some of its parts, abort another: both leave the tree, with their unlisted parts.
            var first = uploads[0];
            var chosen = expectedParts[first.UploadId].Where(p => p.Number % 2 == 0).ToList();
            var completed = await store.CompleteMultipartUploadAsync(Bucket, first.Key, first.UploadId, [.. chosen.Select(p => new CompletedPart(p.Number, ETagOf(p.Body)))], Info(first.Key, []), default, default);
            Assert.True(completed.IsSuccess, completed.Message);
            Assert.Equal(chosen.SelectMany(p => p.Body).ToArray(), await GetBytesAsync(store, Bucket, first.Key));
            Assert.True((await store.AbortMultipartUploadAsync(Bucket, uploads[1].Key, uploads[1].UploadId, default)).IsSuccess);
            Assert.Equal(S3ErrorCode.NoSuchUpload, store.ListParts(Bucket, uploads[1].Key, uploads[1].UploadId).Error);
            Assert.Equal(S3ErrorCode.NoSuchUpload, store.GetMultipartUpload(Bucket, uploads[1].Key + "x", uploads[2].UploadId).Error); // another key's id
            var statistics = store.GetStatistics();
            Assert.Equal(2UL, statistics.IndexObjects);
            Assert.Equal(2UL + (2 * 118) + (118 * 25), statistics.IndexEntries);
            Assert.Equal(S3ErrorCode.BucketNotEmpty, (await store.DeleteBucketAsync(Bucket, default)).Error);
        }
    }

    /// <summary>
    /// A checkpoint written before uploads moved into the tree (format 2) listed them itself: at
    /// open they go into the tree, and the next checkpoint is format 3 without them.
    /// </summary>
    [Fact]
    public async Task A_format_2_checkpoint_moves_its_uploads_into_the_tree()
    {
        var disk = new SimulatedDisk();
        var options = Options();
        var partBody = Body(7, 3000);
        MultipartUpload kept;
        byte[] treeWithoutUploads;
        await using (var store = disk.Open(options))
        {
            await CreateBucketAsync(store, Bucket);
            Assert.True(store.Checkpoint());
            (_, treeWithoutUploads, _) = CheckpointCodec.Decode(disk.Checkpoints.Read());
            kept = store.CreateMultipartUpload(Bucket, Info("kept", []), null, false).Value!;
            Assert.True((await PutPartAsync(store, Bucket, "kept", kept.UploadId, 1, partBody)).IsSuccess);
            Assert.True(store.Checkpoint());
        }

        // What format 2 wrote at this point: the tree as it was without uploads (its pages are
        // still on disk: nothing was written after the second checkpoint), and the uploads with
        // their parts in the bucket's section of the checkpoint.
        var (state, treeWithUploads, _) = CheckpointCodec.Decode(disk.Checkpoints.Read());
        List<PartEntry> parts;
        using (var index = new ObjectIndex(BTree.Open(disk.IndexPages, treeWithUploads, IndexPoolBytes), cacheEntries: 16))
        {
            parts = index.GetParts(null, Bucket, kept.UploadId);
        }

        var old = IndexCheckpointRecord.Decode(treeWithoutUploads);
        var oldTree = IndexCheckpointRecord.Encode(old.RootPageId, state.AppliedLsn, old.PageCount, old.EntryCount, old.FreePages, 0);
        var alsoListed = kept with { UploadId = "0123456789abcdef0123456789abcdef", Key = "also-listed" };
        disk.Checkpoints.WriteDurable(EncodeFormat2(state, oldTree, [(kept, parts), (alsoListed, [])]));

        await using (var store = disk.Open(options))
        {
            Assert.Equal(["also-listed", "kept"], store.ListMultipartUploads(Bucket, "").Value!.Select(u => u.Key));
            Assert.Equal([1], store.ListParts(Bucket, "kept", kept.UploadId).Value!.Select(p => p.PartNumber));
            Assert.Equal(5UL, store.GetStatistics().IndexEntries); // two uploads (by id and by key), one part
            Assert.True((await store.AbortMultipartUploadAsync(Bucket, "also-listed", alsoListed.UploadId, default)).IsSuccess);
            var completed = await store.CompleteMultipartUploadAsync(Bucket, "kept", kept.UploadId, [new CompletedPart(1, ETagOf(partBody))], Info("kept", []), default, default);
            Assert.True(completed.IsSuccess, completed.Message);
            Assert.True(store.Checkpoint());
        }

        Assert.Equal(CheckpointHeader.CurrentFormatVersion, BitConverter.ToUInt16(disk.Checkpoints.Read().AsSpan(8, 2)));
        await using (var store = disk.Open(options))
        {
            Assert.Empty(store.ListMultipartUploads(Bucket, "").Value!);
            Assert.Equal(partBody, await GetBytesAsync(store, Bucket, "kept"));
        }
    }

    /// <summary>The format-2 layout (the engine reads it, and no longer writes it): uploads and their parts inside each bucket.</summary>
    private static byte[] EncodeFormat2(EngineState state, byte[] indexRecord, List<(MultipartUpload Upload, List<PartEntry> Parts)> uploads)
    {
        var encoder = new BinaryEncoder();
        _ = encoder.Reserve(CheckpointHeader.Size);
        encoder.WriteInt32(state.Buckets.Count);
        foreach (var bucket in state.Buckets.Values)
        {
            encoder.WriteString(bucket.Info.Name);
            encoder.WriteTime(bucket.Info.CreationDate);
            encoder.WriteUInt64(bucket.Generation);
            encoder.WriteInt64(bucket.ObjectCount);
            var listed = bucket.Info.Name == Bucket ? uploads : [];
            encoder.WriteInt32(listed.Count);
            foreach (var (upload, parts) in listed)
            {
                encoder.WriteUpload(upload);
                encoder.WriteInt32(parts.Count);
                foreach (var part in parts)
                {
                    encoder.WritePartInfo(part.Info);
                    encoder.WriteExtents(part.Extents.AsSpan());
                }
            }
        }

        encoder.WriteInt32(state.Space.LiveBytes.Count);
        foreach (var (segmentId, live) in state.Space.LiveBytes)
        {
            encoder.WriteUInt64(segmentId);
            encoder.WriteInt64(live);
        }

        encoder.WriteBlob(indexRecord);
        var bytes = encoder.Written.ToArray();
        new CheckpointHeader
        {
            Magic = CheckpointHeader.ExpectedMagic,
            FormatVersion = 2,
            AppliedLsn = state.AppliedLsn,
            BodyLengthBytes = (ulong)(bytes.Length - CheckpointHeader.Size),
            BodyCrc = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, bytes.AsSpan(CheckpointHeader.Size)),
        }.Write(bytes.AsSpan(0, CheckpointHeader.Size));
        return bytes;
    }
}
