namespace FastS3.Engine;

/// <summary>Where the index rebuild stands.</summary>
/// <param name="Phase">"wal" while the log validates its segments, "replay" while commit records are applied, "done" at the end.</param>
/// <param name="RecordsScanned">Records seen so far (data and commit).</param>
/// <param name="BytesScanned">Log bytes seen so far.</param>
/// <param name="TotalBytes">Estimated bytes to scan (0 if unknown).</param>
/// <param name="Elapsed">Time since this phase started.</param>
public readonly record struct EngineRecoveryProgress(string Phase, long RecordsScanned, long BytesScanned, long TotalBytes, TimeSpan Elapsed)
{
    /// <summary>Percent of <see cref="TotalBytes"/> scanned.</summary>
    public double Percent => TotalBytes <= 0 ? 100 : Math.Min(100, 100.0 * BytesScanned / TotalBytes);

    /// <summary>Scan rate in bytes per second.</summary>
    public double BytesPerSecond => Elapsed.TotalSeconds <= 0 ? 0 : BytesScanned / Elapsed.TotalSeconds;

    /// <summary>One log line: "replay: 16384 records, 512.0 of 2048.0 MiB (25%), 830 MiB/s, 0.6 s".</summary>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{Phase}: {RecordsScanned} records, {BytesScanned / 1048576.0:F1} of {TotalBytes / 1048576.0:F1} MiB ({Percent:F0}%), {BytesPerSecond / 1048576.0:F0} MiB/s, {Elapsed.TotalSeconds:F1} s");
}
