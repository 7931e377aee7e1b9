namespace FastS3.Wal;

/// <summary>When an appended record counts as durable.</summary>
public enum Durability
{
    /// <summary>After a flush (fdatasync or msync) covering it returned success. The default.</summary>
    Fsync,

    /// <summary>As soon as it is published: the OS writes it back eventually; a power cut may lose it.</summary>
    Os,
}
