using System.Buffers.Binary;
using System.IO.Hashing;

namespace FastS3.Segments.Tests;

public sealed class HeaderTests
{
    private static byte[] GoodHeader()
    {
        var header = new ShardFileHeader
        {
            Magic = ShardFileHeader.ExpectedMagic,
            FormatVersion = ShardFileHeader.CurrentFormatVersion,
            ShardIndex = 1,
            DataShards = 2,
            ParityShards = 1,
            BlockSizeBytes = 64,
            BlockCount = 2,
            SegmentId = 77,
            SegmentLengthBytes = 200,
            ShardLengthBytes = 128,
        };
        var bytes = new byte[ShardFileHeader.Size];
        header.Write(bytes);
        return bytes;
    }

    private static void Reseal(byte[] bytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ShardFileHeader.HeaderCrcOffset), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ShardFileHeader.HeaderCrcOffset), Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, bytes));
    }

    [Fact]
    public void A_written_header_parses_back()
    {
        Assert.Equal(ShardHeaderCheck.Ok, ShardFileHeader.TryRead(GoodHeader(), out var header));
        Assert.Equal(77UL, header.SegmentId);
        Assert.Equal(1, header.ShardIndex);
        Assert.Equal(64 + 8, header.DataOffsetBytes);
    }

    [Fact]
    public void Every_single_bit_flip_in_the_header_is_detected()
    {
        for (var bit = 0; bit < ShardFileHeader.Size * 8; bit++)
        {
            var bytes = GoodHeader();
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(ShardHeaderCheck.Ok, ShardFileHeader.TryRead(bytes, out _));
        }
    }

    [Theory]
    [InlineData(0, ShardHeaderCheck.TooShort)]
    [InlineData(63, ShardHeaderCheck.TooShort)]
    public void Short_headers_are_named(int length, ShardHeaderCheck expected) =>
        Assert.Equal(expected, ShardFileHeader.TryRead(GoodHeader().AsSpan(0, length), out _));

    [Fact]
    public void A_later_version_is_refused_even_with_a_valid_crc()
    {
        var bytes = GoodHeader();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 2);
        Reseal(bytes);
        Assert.Equal(ShardHeaderCheck.UnsupportedVersion, ShardFileHeader.TryRead(bytes, out _));
    }

    [Fact]
    public void Bad_magic_and_bad_crc_are_told_apart()
    {
        var magic = GoodHeader();
        magic[0] ^= 1;
        Assert.Equal(ShardHeaderCheck.BadMagic, ShardFileHeader.TryRead(magic, out _));

        var crc = GoodHeader();
        crc[30] ^= 1;
        Assert.Equal(ShardHeaderCheck.BadHeaderCrc, ShardFileHeader.TryRead(crc, out _));
    }

    [Fact]
    public void A_self_contradicting_header_is_refused()
    {
        var bytes = GoodHeader();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), 3); // block count 3 for 128 bytes of 64-byte blocks
        Reseal(bytes);
        Assert.Equal(ShardHeaderCheck.LayoutMismatch, ShardFileHeader.TryRead(bytes, out _));
    }

    [Fact]
    public void Identity_checks_name_the_wrong_segment_shard_and_layout()
    {
        Assert.Equal(ShardHeaderCheck.Ok, ShardFileHeader.TryRead(GoodHeader(), out var header));
        var layout = new ErasureLayout(2, 1, ["/a", "/b", "/c"], 64);
        Assert.Equal(ShardHeaderCheck.Ok, header.Check(77, 1, layout));
        Assert.Equal(ShardHeaderCheck.WrongSegment, header.Check(78, 1, layout));
        Assert.Equal(ShardHeaderCheck.WrongShard, header.Check(77, 0, layout));
        Assert.Equal(ShardHeaderCheck.LayoutMismatch, header.Check(77, 1, new ErasureLayout(2, 1, ["/a", "/b", "/c"], 128)));
    }

    [Fact]
    public void A_shard_file_of_another_segment_is_not_believed()
    {
        using var dirs = new TempDirectories(3);
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 1, 64));
        var seven = SegmentBytes.Make(500, 7);
        var nine = SegmentBytes.Make(500, 9);
        Assert.True(store.WriteShards(7, seven).IsSuccess);
        Assert.True(store.WriteShards(10, nine).IsSuccess);

        // Same directory count (3), so segments 7 and 10 place shard 0 in the same directory: swap the file in.
        File.Copy(store.Layout.ShardPath(7, 0), store.Layout.ShardPath(10, 0), overwrite: true);

        SegmentBytes.AssertReads(store, 10, nine, 0, nine.Length, SegmentReadStatus.Reconstructed);
        var damage = Assert.Single(store.Damage.Snapshot());
        Assert.Equal((10UL, 0, ShardDamageKind.BadHeader, nameof(ShardHeaderCheck.WrongSegment)), (damage.SegmentId, damage.ShardIndex, damage.Kind, damage.Detail));
    }

    [Fact]
    public void A_shard_file_of_a_later_format_version_is_not_believed()
    {
        using var dirs = new TempDirectories(3);
        var store = ErasureSegmentStore.Open(dirs.Layout(2, 1, 64));
        var segment = SegmentBytes.Make(1000, 1);
        Assert.True(store.WriteShards(3, segment).IsSuccess);
        var path = store.Layout.ShardPath(3, 1);
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 2);
        var head = bytes.AsSpan(0, ShardFileHeader.Size).ToArray();
        Reseal(head);
        head.CopyTo(bytes, 0);
        File.WriteAllBytes(path, bytes);

        SegmentBytes.AssertReads(store, 3, segment, 0, segment.Length, SegmentReadStatus.Reconstructed);
        var damage = Assert.Single(store.Damage.Snapshot());
        Assert.Equal(nameof(ShardHeaderCheck.UnsupportedVersion), damage.Detail);
    }
}
