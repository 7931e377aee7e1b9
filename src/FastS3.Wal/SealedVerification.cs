namespace FastS3.Wal;

/// <summary>When the log verifies the record chains of sealed segments (see <see cref="WalOptions.SealedVerification"/>).</summary>
public enum SealedVerification
{
    /// <summary>After open, on a background scrubber thread: restart time is independent of the log's size.</summary>
    Background,

    /// <summary>During open: a bad record anywhere refuses the open.</summary>
    OnOpen,
}
