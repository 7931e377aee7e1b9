using System.Buffers.Binary;
using FastS3.Engine.Checkpoints;
using FastS3.Engine.Paging;

namespace FastS3.Engine.Index;

/// <summary>
/// The durable record of one index checkpoint, in the engine's checkpoint framing
/// (<see cref="CheckpointHeader"/>: magic, version, applied LSN, body length and CRC32C). Body:
/// root page id, page count, entry count (u64 each), then the free page ids (u64 each). Written
/// with the durable-replace recipe after the pages it names are fsynced.
/// </summary>
/// <param name="RootPageId">The root, or <see cref="BTree.NoPage"/> for an empty tree.</param>
/// <param name="AppliedLsn">Every commit with LSN &lt;= this is in the tree; replay starts above it.</param>
/// <param name="PageCount">Pages [1, PageCount) are in use or free; later ones do not exist yet.</param>
/// <param name="EntryCount">Entries the tree holds.</param>
/// <param name="FreePages">Pages the root does not reach.</param>
internal sealed record IndexCheckpointRecord(ulong RootPageId, ulong AppliedLsn, ulong PageCount, ulong EntryCount, ulong[] FreePages)
{
    private const int FixedBodyBytes = 24;

    /// <summary>No checkpoint yet: the empty tree (page 0 is never used).</summary>
    public static IndexCheckpointRecord Empty { get; } = new(BTree.NoPage, 0, 1, 0, []);

    public static byte[] Encode(ulong rootPageId, ulong appliedLsn, ulong pageCount, ulong entryCount, IReadOnlyCollection<ulong> freePages, long createdUnixMs)
    {
        var bytes = new byte[CheckpointHeader.Size + FixedBodyBytes + (8 * freePages.Count)];
        var body = bytes.AsSpan(CheckpointHeader.Size);
        BinaryPrimitives.WriteUInt64LittleEndian(body, rootPageId);
        BinaryPrimitives.WriteUInt64LittleEndian(body[8..], pageCount);
        BinaryPrimitives.WriteUInt64LittleEndian(body[16..], entryCount);
        var offset = FixedBodyBytes;
        foreach (var page in freePages)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(body[offset..], page);
            offset += 8;
        }

        CheckpointHeader.WriteFor(bytes, appliedLsn, createdUnixMs);
        return bytes;
    }

    /// <summary>Parses a record after checking its framing; null bytes (no checkpoint yet) give <see cref="Empty"/>.</summary>
    /// <exception cref="PageCorruptionException">The record fails a check (reported as page 0).</exception>
    public static IndexCheckpointRecord Decode(byte[]? bytes)
    {
        if (bytes is null)
        {
            return Empty;
        }

        var problem = CheckpointHeader.TryReadWithBody(bytes, out var header);
        var body = bytes.AsSpan(Math.Min(bytes.Length, CheckpointHeader.Size));
        if (problem is null && (body.Length < FixedBodyBytes || (body.Length - FixedBodyBytes) % 8 != 0))
        {
            problem = $"body of {body.Length} bytes is not 24 + 8 per free page";
        }

        if (problem is not null)
        {
            throw new PageCorruptionException(BTree.NoPage, "checkpoint record: " + problem);
        }

        var free = new ulong[(body.Length - FixedBodyBytes) / 8];
        for (var i = 0; i < free.Length; i++)
        {
            free[i] = BinaryPrimitives.ReadUInt64LittleEndian(body[(FixedBodyBytes + (8 * i))..]);
        }

        return new IndexCheckpointRecord(
            BinaryPrimitives.ReadUInt64LittleEndian(body),
            header.AppliedLsn,
            BinaryPrimitives.ReadUInt64LittleEndian(body[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(body[16..]),
            free);
    }
}
