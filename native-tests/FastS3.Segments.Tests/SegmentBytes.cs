namespace FastS3.Segments.Tests;

internal static class SegmentBytes
{
    /// <summary>Seeded, non-repeating bytes, so a shard swapped for another or a misplaced range shows.</summary>
    public static byte[] Make(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static void AssertReads(ErasureSegmentStore store, ulong segmentId, byte[] expected, long offset, int length, params SegmentReadStatus[] allowed)
    {
        var buffer = new byte[length];
        var result = store.Read(segmentId, offset, buffer);
        Assert.Contains(result.Status, allowed);
        Assert.True(expected.AsSpan((int)offset, length).SequenceEqual(buffer), $"bytes differ at offset {offset}, length {length}");
    }
}
