using FastS3.Common.Errors;

namespace FastS3.Engine;

/// <summary>How an orchestrator call (external LSN mode) ended.</summary>
public enum IngestStatus
{
    Ok,

    /// <summary>The store runs in the other LSN mode (standalone stores take no entries; external ones take no client writes).</summary>
    WrongLsnMode,

    /// <summary>A duplicate or out-of-order LSN: not above the last entry accepted. Nothing changed.</summary>
    LsnNotIncreasing,

    /// <summary>A low-water mark that moves back or past the last entry. Nothing changed.</summary>
    WatermarkOutOfRange,

    /// <summary>A truncation below the low-water mark: committed entries cannot be undone. Nothing changed.</summary>
    BelowLowWaterMark,

    /// <summary>The entry itself cannot be stored (see <see cref="IngestResult.Error"/>: a key too long, a full disk, a closing store). Nothing changed.</summary>
    Rejected,
}

/// <summary>An entry the low-water mark passed but that did not apply (on every replica alike), and why.</summary>
public readonly record struct IngestRefusal(ulong Lsn, S3ErrorCode Reason);

/// <summary>The answer to an orchestrator call.</summary>
/// <param name="Applied">A low-water-mark advance: the entries it applied.</param>
/// <param name="Refused">A low-water-mark advance: the entries it skipped.</param>
public readonly record struct IngestResult(IngestStatus Status, string? Message, S3ErrorCode Error = S3ErrorCode.None, int Applied = 0, IReadOnlyList<IngestRefusal>? Refused = null)
{
    public bool IsOk => Status == IngestStatus.Ok;

    public static IngestResult Ok => new(IngestStatus.Ok, null);

    public override string ToString() => IsOk ? "Ok" : $"{Status}: {Message}";
}
