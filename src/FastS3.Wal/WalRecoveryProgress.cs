namespace FastS3.Wal;

/// <summary>Recovery progress snapshot.</summary>
/// <param name="RecordsScanned">Records validated so far.</param>
/// <param name="BytesScanned">Bytes of record chain validated so far.</param>
/// <param name="TotalBytes">Upper bound of bytes to scan (live segments x size).</param>
/// <param name="Elapsed">Time since recovery started.</param>
public readonly record struct WalRecoveryProgress(long RecordsScanned, long BytesScanned, long TotalBytes, TimeSpan Elapsed)
{
    /// <summary>Percent of <see cref="TotalBytes"/> scanned.</summary>
    public double Percent => TotalBytes == 0 ? 100 : 100.0 * BytesScanned / TotalBytes;

    /// <summary>Scan rate in bytes per second.</summary>
    public double BytesPerSecond => Elapsed.TotalSeconds <= 0 ? 0 : BytesScanned / Elapsed.TotalSeconds;
}
