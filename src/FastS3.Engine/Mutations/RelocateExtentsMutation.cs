using System.Collections.Immutable;
using FastS3.Engine.Format;
using FastS3.Engine.State;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.Mutations;

/// <summary>
/// Compaction's commit: bytes of an object (or of an in-progress upload's part) were copied out
/// of old segments to new data records; each extent equal to <c>moves[i].From</c> now reads
/// <c>moves[i].To</c>. Metadata (ETag, checksums, size, dates) is untouched: the bytes are the
/// same. The compactor decides under the commit lock that every <c>From</c> is still referenced
/// by the target, so on replay a mismatch is a contradiction like any other.
/// </summary>
/// <param name="uploadId">Null: the target is the object <paramref name="key"/>; otherwise part <paramref name="partNumber"/> of this upload.</param>
internal sealed class RelocateExtentsMutation(string bucket, string key, string? uploadId, int partNumber, ImmutableArray<ExtentMove> moves) : Mutation
{
    public override byte RecordType => EngineRecordType.RelocateExtents;

    public override bool IsClientWrite => false; // compaction's own record, in every LSN mode

    public int MoveCount => moves.Length;

    // The object's or part's value keeps its size (same extent count): its path and overflow chain again.
    public override int IndexPagesNeeded => ObjectIndex.PathPages + (moves.Length * 16 / 4096) + 64;

    /// <summary>True when <paramref name="current"/> (the target's extents now) still holds every source.</summary>
    public bool Applies(ImmutableArray<WalLocation> current) => !Rewrite(current, moves).IsDefault;

    public static RelocateExtentsMutation DecodeFields(ref BinaryDecoder decoder)
    {
        var bucket = decoder.ReadString();
        var key = decoder.ReadString();
        var uploadId = decoder.ReadNullableString();
        var partNumber = decoder.ReadInt32();
        var from = decoder.ReadExtents();
        var to = decoder.ReadExtents();
        if (from.Length != to.Length || from.IsEmpty)
        {
            throw new InvalidDataException($"relocation of '{key}' has {from.Length} sources and {to.Length} targets");
        }

        var moves = ImmutableArray.CreateBuilder<ExtentMove>(from.Length);
        for (var i = 0; i < from.Length; i++)
        {
            moves.Add(new ExtentMove(from[i], to[i]));
        }

        return new(bucket, key, uploadId, partNumber, moves.MoveToImmutable());
    }

    /// <summary>The extents of the target with every move applied, or default when some source is no longer referenced.</summary>
    public static ImmutableArray<WalLocation> Rewrite(ImmutableArray<WalLocation> current, ImmutableArray<ExtentMove> moves)
    {
        var builder = current.ToBuilder();
        foreach (var move in moves)
        {
            var at = builder.IndexOf(move.From);
            if (at < 0 || move.From.LengthBytes != move.To.LengthBytes)
            {
                return default;
            }

            builder[at] = move.To;
        }

        return builder.MoveToImmutable();
    }

    public override EngineState Apply(EngineState state, ulong lsn, ObjectIndex objects)
    {
        var b = RequireBucket(state, bucket, lsn);
        if (uploadId is null)
        {
            if (objects.GetForWrite(bucket, key) is not { } entry)
            {
                return Inconsistent<EngineState>(lsn, $"relocated key '{key}' does not exist");
            }

            // Same version (its creating LSN is kept), new value: readers that hold the old extents follow it.
            objects.Put(new ObjectEntry(bucket, key, entry.Info, RequireRewrite(entry.Extents, lsn), entry.VersionLsn, lsn), lsn);
        }
        else
        {
            if (objects.GetPart(null, bucket, uploadId, partNumber) is not { } part)
            {
                return Inconsistent<EngineState>(lsn, $"relocated part {partNumber} of upload '{uploadId}' does not exist");
            }

            objects.PutPart(bucket, uploadId, part with { Extents = RequireRewrite(part.Extents, lsn) }, lsn);
        }

        return state.WithBucket(b, state.Space.Move(moves.Select(move => (move.From, move.To))), lsn);
    }

    private ImmutableArray<WalLocation> RequireRewrite(ImmutableArray<WalLocation> current, ulong lsn)
    {
        var after = Rewrite(current, moves);
        return after.IsDefault ? Inconsistent<ImmutableArray<WalLocation>>(lsn, $"a relocated extent of '{key}' is not referenced by it") : after;
    }

    protected override void EncodeFields(BinaryEncoder encoder)
    {
        encoder.WriteString(bucket);
        encoder.WriteString(key);
        encoder.WriteNullableString(uploadId);
        encoder.WriteInt32(partNumber);
        Span<WalLocation> from = moves.Length <= 256 ? stackalloc WalLocation[moves.Length] : new WalLocation[moves.Length];
        Span<WalLocation> to = moves.Length <= 256 ? stackalloc WalLocation[moves.Length] : new WalLocation[moves.Length];
        for (var i = 0; i < moves.Length; i++)
        {
            from[i] = moves[i].From;
            to[i] = moves[i].To;
        }

        encoder.WriteExtents(from);
        encoder.WriteExtents(to);
    }
}
