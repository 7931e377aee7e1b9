namespace FastS3.Erasure.Tests;

/// <summary>
/// k + m shard buffers for tests. Each shard sits at an odd offset inside its own array,
/// with guard bytes before and after, so unaligned addressing is exercised and any write
/// outside a shard (a tail loop running long) is detected.
/// </summary>
internal sealed class ShardSet
{
    private const byte Guard = 0xA5;
    private const int GuardBytes = 80; // more than one 64-byte vector on each side
    private readonly byte[][] _backing;

    public ShardSet(int total, int length, int offset)
    {
        Length = length;
        Offset = offset;
        _backing = new byte[total][];
        Shards = new Memory<byte>[total];
        ReadOnlyShards = new ReadOnlyMemory<byte>[total];
        for (var i = 0; i < total; i++)
        {
            _backing[i] = new byte[GuardBytes + offset + length + GuardBytes];
            _backing[i].AsSpan().Fill(Guard);
            Shards[i] = new Memory<byte>(_backing[i], GuardBytes + offset, length);
            ReadOnlyShards[i] = Shards[i];
        }
    }

    public int Length { get; }

    public int Offset { get; }

    public Memory<byte>[] Shards { get; }

    public ReadOnlyMemory<byte>[] ReadOnlyShards { get; }

    public static ShardSet Encoded(ReedSolomon codec, int length, int offset, int seed)
    {
        var set = new ShardSet(codec.TotalShards, length, offset);
        var random = new Random(seed);
        for (var i = 0; i < codec.DataShards; i++)
        {
            random.NextBytes(set.Shards[i].Span);
        }

        codec.Encode(set.ReadOnlyShards.AsSpan(0, codec.DataShards), set.Shards.AsSpan(codec.DataShards));
        set.AssertGuardsIntact();
        return set;
    }

    public byte[][] Snapshot() => Shards.Select(s => s.ToArray()).ToArray();

    public void AssertGuardsIntact()
    {
        for (var i = 0; i < _backing.Length; i++)
        {
            var before = _backing[i].AsSpan(0, GuardBytes + Offset);
            var after = _backing[i].AsSpan(GuardBytes + Offset + Length);
            Assert.True(before.IndexOfAnyExcept(Guard) < 0, $"shard {i}: bytes before the shard were written");
            Assert.True(after.IndexOfAnyExcept(Guard) < 0, $"shard {i}: bytes after the shard were written");
        }
    }
}
