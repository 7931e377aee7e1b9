namespace FastS3.Wal.Format;

/// <summary>Outcome of validating one record header and payload; every rejection has a name.</summary>
public enum WalRecordCheck
{
    /// <summary>Header, length, segment id and CRC all check out.</summary>
    Ok,

    /// <summary>32 zero bytes: the end of what was ever written here.</summary>
    Zero,

    /// <summary>Non-zero bytes that are not a record header (torn or garbage).</summary>
    BadMagic,

    /// <summary>A header from a format version this code does not read.</summary>
    BadVersion,

    /// <summary>Payload length runs past the record area of the segment.</summary>
    BadLength,

    /// <summary>A valid-looking record from a previous life of a recycled file.</summary>
    WrongSegment,

    /// <summary>The CRC32C does not match: torn write or flipped bit.</summary>
    BadCrc,

    /// <summary>Not even a header fits before the footer.</summary>
    NoRoom,
}
