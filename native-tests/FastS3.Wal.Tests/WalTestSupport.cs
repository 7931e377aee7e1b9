using FastS3.Wal;
using FastS3.Wal.Device;

namespace FastS3.Wal.Tests;

/// <summary>Small segments, deterministic payloads, temp directories.</summary>
internal static class WalTestSupport
{
    public const int SmallSegmentBytes = 64 << 10;

    public static WalOptions Options(int segmentBytes = SmallSegmentBytes, WalLsnMode mode = WalLsnMode.Standalone, ISealedSegmentSink? sink = null, Durability durability = Durability.Fsync, bool prepareAhead = true) => new()
    {
        SegmentSizeBytes = segmentBytes,
        LsnMode = mode,
        SealedSegmentSink = sink,
        Durability = durability,
        PrepareSegmentsAhead = prepareAhead,
        PublishQueueSlots = 1024,
    };

    /// <summary>Deterministic bytes for (key, length): any mix-up of records shows as a mismatch.</summary>
    public static byte[] Payload(long key, int length)
    {
        var bytes = new byte[length];
        var random = new Random(unchecked((int)(key * 2654435761L)));
        random.NextBytes(bytes);
        return bytes;
    }

    public static List<(ulong Lsn, byte Type, byte[] Payload, WalLocation Location)> ReplayAll(WriteAheadLog log, ulong fromLsn = 0)
    {
        var records = new List<(ulong, byte, byte[], WalLocation)>();
        foreach (var record in log.Replay(fromLsn))
        {
            records.Add((record.Lsn, record.Type, record.Payload.ToArray(), record.Location));
        }

        return records;
    }

    public static byte[] ReadBack(WriteAheadLog log, WalLocation location)
    {
        var bytes = new byte[location.LengthBytes];
        Assert.Equal(WalStatus.Ok, log.Read(location, bytes));
        return bytes;
    }
}

/// <summary>A temp directory removed at dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fasts3-wal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Records sealed-segment notifications.</summary>
internal sealed class RecordingSink : ISealedSegmentSink
{
    private readonly List<SealedSegmentInfo> _sealed = [];

    public IReadOnlyList<SealedSegmentInfo> Sealed
    {
        get
        {
            lock (_sealed)
            {
                return [.. _sealed];
            }
        }
    }

    public void OnSegmentSealed(SealedSegmentInfo segment)
    {
        lock (_sealed)
        {
            _sealed.Add(segment);
        }
    }
}
