namespace FastS3.Wal;

/// <summary>
/// Where a record's payload lies: (segment, byte offset of the payload inside the segment file,
/// payload length). The engine stores these as the extents of object bodies. 16 bytes.
/// </summary>
/// <param name="SegmentId">Segment file id.</param>
/// <param name="Offset">Offset of the first payload byte (the 32-byte record header is just before it).</param>
/// <param name="LengthBytes">Payload length.</param>
public readonly record struct WalLocation(ulong SegmentId, int Offset, int LengthBytes);
