using System.Text;
using System.Text.Json;
using FastS3.Auth.Checksums;
using FsCheck.Xunit;
using Xunit;

namespace FastS3.Auth.Tests;

/// <summary>Known answers from vectors/checksums.json, streaming equivalence, CRC combination and composite checksums.</summary>
public class ChecksumTests
{
    private static JsonElement Vectors() => JsonDocument.Parse(File.ReadAllBytes(TestData.Vectors("checksums.json"))).RootElement;

    public static TheoryData<string, string, string> HeaderValues()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var c in Vectors().GetProperty("s3_header_values").GetProperty("cases").EnumerateArray())
        {
            foreach (var p in c.EnumerateObject().Where(p => p.Name.StartsWith("x-amz-checksum-", StringComparison.Ordinal)))
            {
                data.Add(c.GetProperty("content_utf8").GetString()!, p.Name, p.Value.GetString()!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HeaderValues))]
    public void Header_value_matches_sdk_vector(string content, string header, string expected)
    {
        var algorithm = ChecksumNames.FromHeaderName(header);
        Assert.Equal(header, ChecksumNames.HeaderName(algorithm));
        Assert.Equal(expected, ChecksumHasher.ComputeBase64(algorithm, Encoding.UTF8.GetBytes(content)));
    }

    [Fact]
    public void Header_vectors_cover_all_five_algorithms_three_times() => Assert.Equal(15, HeaderValues().Count);

    [Theory]
    [InlineData("CRC32", 0xcbf43926UL)]
    [InlineData("CRC32C", 0xe3069283UL)]
    [InlineData("CRC64NVME", 0xae8b14860a799888UL)]
    public void Check_value_over_123456789(string name, ulong expected)
    {
        using var h = new ChecksumHasher(ChecksumNames.FromAlgorithmName(Encoding.ASCII.GetBytes(name)));
        h.Append("123456789"u8);
        Assert.Equal(expected, h.GetCurrentCrc());
        var derived = Vectors().GetProperty("check_values").GetProperty("values").EnumerateArray().Single(v => v.GetProperty("algorithm").GetString() == name);
        Assert.Equal(derived.GetProperty("base64_derived").GetString(), h.GetBase64());
    }

    [Fact]
    public void Docs_trailer_example_crc32c_of_66560_a()
    {
        var data = Enumerable.Repeat((byte)'a', 66560).ToArray();
        Assert.Equal("sOO8/Q==", ChecksumHasher.ComputeBase64(ChecksumAlgorithm.Crc32C, data));
    }

    [Fact]
    public void Md5_matches_content_md5_of_corpus()
    {
        var request = RawRequest.Parse(TestData.Bytes(TestData.Corpus("dotnet-complete-multipart-upload.http")));
        Assert.Equal("3kgZwLYJXBR3uoTlSvHYYQ==", ChecksumHasher.ComputeBase64(ChecksumAlgorithm.Md5, request.Body));
    }

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32)]
    [InlineData(ChecksumAlgorithm.Crc32C)]
    [InlineData(ChecksumAlgorithm.Crc64Nvme)]
    [InlineData(ChecksumAlgorithm.Sha1)]
    [InlineData(ChecksumAlgorithm.Sha256)]
    [InlineData(ChecksumAlgorithm.Md5)]
    public void Streaming_in_pieces_equals_one_shot_and_matches_checks_base64(ChecksumAlgorithm algorithm)
    {
        var data = new byte[100_003];
        new Random(7).NextBytes(data);
        using var h = new ChecksumHasher(algorithm);
        for (var i = 0; i < data.Length; i += 777)
        {
            h.Append(data.AsSpan(i, Math.Min(777, data.Length - i)));
        }

        var oneShot = ChecksumHasher.ComputeBase64(algorithm, data);
        Assert.Equal(oneShot, h.GetBase64());
        Assert.True(h.Matches(Encoding.ASCII.GetBytes(oneShot)));
        Assert.False(h.Matches("AAAA"u8));
        h.Reset();
        Assert.Equal(ChecksumHasher.ComputeBase64(algorithm, []), h.GetBase64());
    }

    [Property(MaxTest = 200)]
    public bool Crc_combine_equals_crc_of_concatenation(byte[] a, byte[] b, byte which)
    {
        var algorithm = (which % 3) switch { 0 => ChecksumAlgorithm.Crc32, 1 => ChecksumAlgorithm.Crc32C, _ => ChecksumAlgorithm.Crc64Nvme };
        using var ha = new ChecksumHasher(algorithm);
        using var hb = new ChecksumHasher(algorithm);
        using var hab = new ChecksumHasher(algorithm);
        ha.Append(a);
        hb.Append(b);
        hab.Append(a);
        hab.Append(b);
        return CrcCombine.Combine(algorithm, ha.GetCurrentCrc(), hb.GetCurrentCrc(), b.Length) == hab.GetCurrentCrc();
    }

    [Fact]
    public void Full_object_crc_of_parts_equals_crc_of_whole()
    {
        var data = new byte[3_000_001];
        new Random(3).NextBytes(data);
        foreach (var algorithm in new[] { ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme })
        {
            var parts = new[] { (0, 1_048_576), (1_048_576, 1_048_576), (2_097_152, 902_849) }
                .Select(p => (Convert.FromBase64String(ChecksumHasher.ComputeBase64(algorithm, data.AsSpan(p.Item1, p.Item2))), (long)p.Item2))
                .ToList();
            Assert.Equal(ChecksumHasher.ComputeBase64(algorithm, data), CompositeChecksum.CombineFullObject(algorithm, parts));
        }
    }

    [Fact]
    public void Composite_checksum_is_checksum_of_part_checksums_with_part_count()
    {
        var p1 = Convert.FromBase64String(ChecksumHasher.ComputeBase64(ChecksumAlgorithm.Crc32, "abc"u8));
        var p2 = Convert.FromBase64String(ChecksumHasher.ComputeBase64(ChecksumAlgorithm.Crc32, "Hello world"u8));
        var expected = ChecksumHasher.ComputeBase64(ChecksumAlgorithm.Crc32, p1.Concat(p2).ToArray()) + "-2";
        Assert.Equal(expected, CompositeChecksum.Compute(ChecksumAlgorithm.Crc32, [p1, p2]));
        Assert.Equal(expected, CompositeChecksum.ComputeFromBase64(ChecksumAlgorithm.Crc32, ["NSRBwg==", "i9aeUg=="]));
    }

    [Theory]
    [InlineData("x-amz-checksum-crc32", ChecksumAlgorithm.Crc32)]
    [InlineData("X-Amz-Checksum-CRC32C", ChecksumAlgorithm.Crc32C)]
    [InlineData("x-amz-checksum-crc64nvme", ChecksumAlgorithm.Crc64Nvme)]
    [InlineData("x-amz-checksum-sha1", ChecksumAlgorithm.Sha1)]
    [InlineData("x-amz-checksum-sha256", ChecksumAlgorithm.Sha256)]
    [InlineData("x-amz-checksum-md5", ChecksumAlgorithm.None)]
    [InlineData("x-amz-checksum-type", ChecksumAlgorithm.None)]
    [InlineData("content-md5", ChecksumAlgorithm.None)]
    public void Header_name_maps_to_algorithm(string header, ChecksumAlgorithm algorithm) =>
        Assert.Equal(algorithm, ChecksumNames.FromHeaderName(header));
}
