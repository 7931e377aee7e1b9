namespace FastS3.Wal;

/// <summary>Outcome of an append: on <see cref="WalStatus.Ok"/>, the record's LSN and payload location.</summary>
/// <param name="Status">Ok, or why nothing was appended.</param>
/// <param name="Lsn">The record's LSN (0 unless Ok).</param>
/// <param name="Location">The payload's location (default unless Ok).</param>
public readonly record struct AppendResult(WalStatus Status, ulong Lsn, WalLocation Location)
{
    /// <summary>True when the record was appended (published; not necessarily durable yet).</summary>
    public bool IsOk => Status == WalStatus.Ok;

    internal static AppendResult Failed(WalStatus status) => new(status, 0, default);
}
