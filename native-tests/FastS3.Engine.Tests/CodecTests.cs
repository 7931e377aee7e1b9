using System.Collections.Immutable;
using FastS3.Engine.Checkpoints;
using FastS3.Engine.Format;
using FastS3.Engine.Mutations;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;
using FsCheck.Xunit;

namespace FastS3.Engine.Tests;

/// <summary>The on-disk encodings: every field round-trips, versions and CRCs are checked before anything is believed.</summary>
public sealed class CodecTests
{
    [Property(MaxTest = 200)]
    public void Object_info_round_trips_exactly(int seed)
    {
        var info = RandomInfo(new Random(seed));
        var encoder = new BinaryEncoder(16);
        encoder.WriteObjectInfo(info);
        var decoder = new BinaryDecoder(encoder.Written);
        var decoded = decoder.ReadObjectInfo();
        decoder.ExpectEnd();
        Assert.Equal(info with { UserMetadata = [], PartSizes = [] }, decoded with { UserMetadata = [], PartSizes = [] });
        Assert.Equal(info.UserMetadata, decoded.UserMetadata);
        Assert.Equal(info.PartSizes, decoded.PartSizes);
        Assert.Equal(info.LastModified.Offset, decoded.LastModified.Offset);
    }

    [Fact]
    public void Every_commit_record_decodes_to_a_mutation_with_the_same_effect()
    {
        var info = RandomInfo(new Random(1)) with { Key = "k" };
        ImmutableArray<WalLocation> extents = [new(3, 4096, 100), new(4, 64, 7)];
        var upload = new MultipartUpload("u1", "k", DateTimeOffset.UnixEpoch, info, "CRC32C", true);
        Mutation[] mutations =
        [
            new CreateBucketMutation("b", DateTimeOffset.UnixEpoch.AddDays(1)),
            new PutObjectMutation("b", "k", info, extents),
            new CreateUploadMutation("b", upload),
            new PutPartMutation("b", "u1", new PartInfo(1, "\"e\"", 107, DateTimeOffset.UnixEpoch, null), extents),
            new CompleteUploadMutation("b", "k", "u1", info, extents),
            new RelocateExtentsMutation("b", "k", null, 0, [new ExtentMove(extents[0], new WalLocation(9, 128, 100))]),
            new CreateUploadMutation("b", upload with { UploadId = "u2" }),
            new AbortUploadMutation("b", "u2"),
            new DeleteObjectMutation("b", "k"),
            new DeleteBucketMutation("b"),
        ];

        using var directIndex = TreeTestSupport.NewObjectIndex();
        using var replayedIndex = TreeTestSupport.NewObjectIndex();
        var direct = EngineState.Empty;
        var replayed = EngineState.Empty;
        var lsn = 10UL;
        var seenObject = false;
        foreach (var mutation in mutations)
        {
            var encoder = new BinaryEncoder();
            mutation.Encode(encoder);
            var decoded = Mutation.Decode(mutation.RecordType, encoder.Written);
            Assert.Equal(mutation.GetType(), decoded.GetType());
            direct = mutation.Apply(direct, lsn, directIndex);
            replayed = decoded.Apply(replayed, lsn, replayedIndex);
            Assert.Equal(CheckpointCodec.Encode(direct, [], DateTimeOffset.UnixEpoch), CheckpointCodec.Encode(replayed, [], DateTimeOffset.UnixEpoch));
            var directEntry = directIndex.GetForWrite("b", "k");
            var replayedEntry = replayedIndex.GetForWrite("b", "k");
            Assert.Equal(directEntry is null, replayedEntry is null);
            if (directEntry is not null)
            {
                seenObject = true;
                Assert.Equal(directEntry.Extents.ToArray(), replayedEntry!.Extents.ToArray());
                Assert.Equal((directEntry.VersionLsn, directEntry.ValueLsn), (replayedEntry.VersionLsn, replayedEntry.ValueLsn));
                Assert.Equal(directEntry.Info.ETag, replayedEntry.Info.ETag);
                Assert.True(direct.Space.Total >= BodyChunker.Sum(directEntry.Extents), "the object's extents are live");
            }

            lsn += 3;
        }

        Assert.True(seenObject);
        Assert.Empty(direct.Space.LiveBytes);
        Assert.Equal(0, directIndex.Count);
    }

    [Property(MaxTest = 100)]
    public void Data_record_owner_round_trips_and_the_body_starts_after_it(int seed)
    {
        var random = new Random(seed);
        var owner = new DataOwner("bucket-" + random.Next(1000), RandomInfo(random).Key, random.Next(2) == 0 ? null : Guid.NewGuid().ToString("N"), random.Next(1, 10_001));
        var header = owner.EncodeHeader();
        byte[] payload = [.. header, 1, 2, 3];
        var decoded = DataOwner.Decode(payload, out var bodyStart);
        Assert.Equal(owner, decoded);
        Assert.Equal(header.Length, bodyStart);
        payload[0] = 9;
        Assert.Throws<InvalidDataException>(() => DataOwner.Decode(payload, out _));
    }

    [Fact]
    public void A_commit_record_of_an_unknown_version_is_refused()
    {
        var encoder = new BinaryEncoder();
        new DeleteBucketMutation("b").Encode(encoder);
        var bytes = encoder.Written.ToArray();
        bytes[0] = 99;
        Assert.Throws<InvalidDataException>(() => Mutation.Decode(new DeleteBucketMutation("b").RecordType, bytes));
    }

    [Fact]
    public void A_record_that_does_not_apply_is_an_error_not_a_silent_skip()
    {
        using var index = TreeTestSupport.NewObjectIndex();
        var error = Assert.Throws<InvalidDataException>(() => new DeleteObjectMutation("nope", "k").Apply(EngineState.Empty, 5, index));
        Assert.Contains("LSN 5", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "bad magic")]        // magic
    [InlineData(8, "header CRC32C")]    // version byte, caught by the header CRC
    [InlineData(20, "header CRC32C")]   // applied LSN
    [InlineData(70, "body CRC32C")]     // body
    public void Checkpoint_checks_run_before_any_field_is_believed(int offset, string expected)
    {
        using var index = TreeTestSupport.NewObjectIndex();
        var state = new CreateBucketMutation("bucket", DateTimeOffset.UnixEpoch).Apply(EngineState.Empty, 7, index);
        var bytes = CheckpointCodec.Encode(state, [1, 2, 3], DateTimeOffset.UnixEpoch);
        var (decoded, record, _) = CheckpointCodec.Decode(bytes);
        Assert.Equal(7UL, decoded.AppliedLsn);
        Assert.Equal([1, 2, 3], record);
        bytes[offset] ^= 0x01;
        var error = Assert.Throws<InvalidDataException>(() => CheckpointCodec.Decode(bytes));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_checkpoint_is_refused()
    {
        var bytes = CheckpointCodec.Encode(EngineState.Empty, [], DateTimeOffset.UnixEpoch);
        Assert.Throws<InvalidDataException>(() => CheckpointCodec.Decode(bytes.AsSpan(0, 40)));
        Assert.Throws<InvalidDataException>(() => CheckpointCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)));
    }

    private static ObjectInfo RandomInfo(Random random)
    {
        const string Alphabet = "aZ09 /-_é✓\u00FF";
        string Text() => new(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
        string? Maybe() => random.Next(2) == 0 ? null : Text();
        return new ObjectInfo
        {
            Key = Text() + "😀",
            Size = random.NextInt64(0, long.MaxValue),
            ETag = "\"" + Text() + "\"",
            LastModified = new DateTimeOffset(random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60))),
            ContentType = Text(),
            ContentEncoding = Maybe(),
            ContentDisposition = Maybe(),
            ContentLanguage = Maybe(),
            CacheControl = Maybe(),
            Expires = Maybe(),
            UserMetadata = [.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => new KeyValuePair<string, string>(Text(), Text()))],
            Checksum = random.Next(2) == 0 ? null : new ObjectChecksum(Text(), Text(), random.Next(2) == 0),
            PartsCount = random.Next(),
            PartSizes = [.. Enumerable.Range(0, random.Next(0, 5)).Select(_ => random.NextInt64(0, 5L << 30))],
            StorageClass = Text(),
        };
    }
}
