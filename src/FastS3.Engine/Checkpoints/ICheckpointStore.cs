namespace FastS3.Engine.Checkpoints;

/// <summary>
/// Where the index checkpoint lives: one blob replaced atomically. The real store is a file
/// (<see cref="FileCheckpointStore"/>); tests use <see cref="MemoryCheckpointStore"/> so a crash
/// image can capture the checkpoint and the WAL device at the same instant.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>The current checkpoint's bytes, or null when none was ever written.</summary>
    byte[]? Read();

    /// <summary>Replaces the checkpoint durably: after return, a power cut leaves the new bytes, before it the old (never a mix).</summary>
    void WriteDurable(ReadOnlySpan<byte> bytes);
}
