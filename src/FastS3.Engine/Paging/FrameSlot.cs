using System.Runtime.InteropServices;

namespace FastS3.Engine.Paging;

/// <summary>
/// One buffer-pool frame's state, alone on a 64-byte cache line: a pin on one frame never
/// invalidates the line of another (two readers pinning neighbouring frames would otherwise
/// share one), and a hit's pin and page check read one line.
/// </summary>
/// <remarks>
/// <see cref="State"/> packs the status (top bits) and the pin count (low 28 bits), so "pin if
/// ready" is a single compare-and-swap and "take it if unpinned" another. The statuses and every
/// transition are in <see cref="BufferPool"/>.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct FrameSlot
{
    /// <summary>Status | pin count; changed only by compare-and-swap or by its exclusive owner.</summary>
    [FieldOffset(0)] public int State;

    /// <summary>Clean, Dirty or Writing (a write-back in progress); see <see cref="BufferPool"/>.</summary>
    [FieldOffset(4)] public int Dirty;

    /// <summary>The clock's second-chance bit: set by a pin (a plain write, only if clear), cleared by the sweep.</summary>
    [FieldOffset(8)] public bool Referenced;

    /// <summary>The page in the frame; changes only while the frame is exclusively owned under the pool lock.</summary>
    [FieldOffset(16)] public ulong PageId;

    /// <summary>Counts the times the frame was taken exclusively: a waiter for a load knows which load it waits for.</summary>
    [FieldOffset(24)] public long Claims;
}
