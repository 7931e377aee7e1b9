using System.Buffers;
using System.Text;
using FastS3.Engine.Index;
using FastS3.Engine.Paging;
using FastS3.Engine.State;

namespace FastS3.Engine.Tests;

/// <summary>Keys, values and model comparisons for the B+tree tests.</summary>
internal static class TreeTestSupport
{
    /// <summary>8 frames: the pool's minimum, far smaller than any tree the tests build (forces eviction).</summary>
    public const long TinyPoolBytes = 8 * 8192;

    public const long LargePoolBytes = 16 << 20;

    private static readonly string[] Prefixes = ["", "a/", "a/b/", "photos/2026/12/", "é/", "z", "logs/"];

    /// <summary>An engine object index on an in-memory page file with a small pool and decode cache.</summary>
    public static ObjectIndex NewObjectIndex() => new(BTree.Open(new FaultInjectingPageDevice(), null, 1 << 20), cacheEntries: 16);

    public static SortedDictionary<byte[], byte[]> NewModel() => new(ByteOrder.Instance);

    public static SortedDictionary<byte[], byte[]> Copy(SortedDictionary<byte[], byte[]> model) => new(model, ByteOrder.Instance);

    /// <summary>A key: shared prefixes (delimiter walks), mostly short, sometimes up to the 1280-byte limit.</summary>
    public static byte[] Key(Random random)
    {
        var builder = new StringBuilder(Prefixes[random.Next(Prefixes.Length)]);
        var length = random.Next(10) == 0 ? random.Next(200, 1200) : random.Next(0, 24);
        for (var i = 0; i < length; i++)
        {
            builder.Append((char)('0' + random.Next(43)));
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>A value: mostly small, some near the inline limit, some spanning several overflow pages.</summary>
    public static byte[] Value(Random random)
    {
        var roll = random.Next(100);
        var length = roll switch
        {
            < 80 => random.Next(0, 120),
            < 95 => random.Next(1500, 2100),
            _ => random.Next(8000, 40_000),
        };
        var value = new byte[length];
        random.NextBytes(value);
        return value;
    }

    public static byte[]? Get(BTree tree, byte[] key)
    {
        var buffer = new ArrayBufferWriter<byte>();
        return tree.TryGet(key, buffer) ? buffer.WrittenSpan.ToArray() : null;
    }

    public static byte[]? Get(BTreeSnapshot snapshot, byte[] key)
    {
        var buffer = new ArrayBufferWriter<byte>();
        return snapshot.TryGet(key, buffer) ? buffer.WrittenSpan.ToArray() : null;
    }

    public static List<(byte[] Key, byte[] Value)> Walk(BTreeCursor cursor, int max = int.MaxValue)
    {
        var entries = new List<(byte[], byte[])>();
        while (entries.Count < max && cursor.MoveNext())
        {
            entries.Add((cursor.Key.ToArray(), cursor.Value.ToArray()));
        }

        return entries;
    }

    /// <summary>The model's entries from <paramref name="lowerBound"/> on, at most <paramref name="max"/>.</summary>
    public static List<(byte[] Key, byte[] Value)> Expected(SortedDictionary<byte[], byte[]> model, byte[] lowerBound, int max = int.MaxValue) =>
        [.. model.Where(pair => ByteOrder.Instance.Compare(pair.Key, lowerBound) >= 0).Take(max).Select(pair => (pair.Key, pair.Value))];

    /// <summary>Every entry by a full walk and every key by a point lookup, plus the structural check.</summary>
    public static void AssertEquals(SortedDictionary<byte[], byte[]> model, BTree tree)
    {
        AssertSameEntries(Expected(model, []), Walk(tree.Seek([])));
        foreach (var (key, value) in model)
        {
            Assert.Equal(value, Get(tree, key));
        }

        var (_, entries) = tree.Verify();
        Assert.Equal(model.Count, entries);
        Assert.Equal(model.Count, tree.Count);
    }

    public static void AssertEquals(SortedDictionary<byte[], byte[]> model, BTreeSnapshot snapshot)
    {
        AssertSameEntries(Expected(model, []), Walk(snapshot.Seek([])));
        foreach (var (key, value) in model)
        {
            Assert.Equal(value, Get(snapshot, key));
        }

        Assert.Equal((ulong)model.Count, snapshot.Count);
    }

    /// <summary>No page leaked: each page but page 0 (never used) is reachable from the write root or free; none is waiting as retired.</summary>
    public static void AssertEveryPageReachableOrFree(BTree tree)
    {
        var (reachable, _) = tree.Verify();
        var (free, retired, allocated) = tree.PageCounts;
        Assert.Equal(0, retired);
        Assert.Equal(allocated - 1, (ulong)(reachable + free));
    }

    public static void AssertSameEntries(List<(byte[] Key, byte[] Value)> expected, List<(byte[] Key, byte[] Value)> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Key, actual[i].Key);
            Assert.Equal(expected[i].Value, actual[i].Value);
        }
    }

    /// <summary>Ordinal byte order: the order S3 lists UTF-8 keys in.</summary>
    public sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
