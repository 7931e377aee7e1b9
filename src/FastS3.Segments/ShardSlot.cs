using Microsoft.Win32.SafeHandles;

namespace FastS3.Segments;

/// <summary>One shard file of an open segment: its handle, believed header and block CRC table.</summary>
internal sealed class ShardSlot
{
    public ShardSlotState State;
    public SafeFileHandle? Handle;
    public ShardFileHeader Header;
    public uint[] BlockCrcs = [];
}
