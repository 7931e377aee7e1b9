namespace FastS3.Wal;

/// <summary>
/// One entry of the publish ring: an appender fills the fields after copying its record, then
/// stores <see cref="Stamp"/> = ordinal + 1 with a full fence. The flusher consumes slots in
/// ordinal order and stops at the first stamp that does not match, which is how out-of-order
/// completion of concurrent copies is handled: durability advances only up to the first
/// unpublished reservation.
/// </summary>
internal struct PublishSlot
{
    public long Stamp;
    public Segment? Segment;
    public ulong Lsn;
    public int EndOffset;
    public bool IsSeal;
}
