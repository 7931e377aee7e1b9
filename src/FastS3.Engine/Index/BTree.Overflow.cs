using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using FastS3.Engine.Paging;

namespace FastS3.Engine.Index;

/// <summary>
/// Values too large for a leaf cell, as a chain of overflow pages: after the header, the next page
/// id (u64, offset 32; 0 ends the chain), the bytes of the value on this page (u32, 40), the bytes
/// from offset 48. Chains are written once and never changed, like every other page.
/// </summary>
internal sealed partial class BTree
{
    private const int OverflowNextOffset = PageHeader.Size;
    private const int OverflowLengthOffset = PageHeader.Size + 8;
    private const int OverflowDataOffset = PageHeader.Size + 16;

    /// <summary>Value bytes per overflow page: 8144.</summary>
    private const int OverflowCapacityBytes = PageFile.PageSizeBytes - OverflowDataOffset;

    private ulong WriteOverflow(ReadOnlySpan<byte> value)
    {
        Debug.Assert(value.Length > 0);
        var first = AllocatePage();
        var current = first;
        while (true)
        {
            var chunk = value[..Math.Min(value.Length, OverflowCapacityBytes)];
            value = value[chunk.Length..];
            var next = value.IsEmpty ? NoPage : AllocatePage();
            using var page = _pool.Create(current);
            var span = page.Span;
            PageHeader.Initialize(span, PageType.Overflow, current, _writeLsn);
            BinaryPrimitives.WriteUInt64LittleEndian(span[OverflowNextOffset..], next);
            BinaryPrimitives.WriteUInt32LittleEndian(span[OverflowLengthOffset..], (uint)chunk.Length);
            chunk.CopyTo(span[OverflowDataOffset..]);
            if (next == NoPage)
            {
                return first;
            }

            current = next;
        }
    }

    /// <summary>Copies a chain's <paramref name="length"/> bytes into <paramref name="destination"/>.</summary>
    /// <exception cref="PageCorruptionException">A link is corrupt or the chain is not as long as the cell says.</exception>
    private void ReadOverflow(ulong first, int length, Span<byte> destination)
    {
        var done = 0;
        var current = first;
        while (done < length)
        {
            if (current == NoPage)
            {
                throw new PageCorruptionException(first, $"overflow chain ends after {done} of {length} bytes");
            }

            using var page = _pool.Pin(current, PageType.Overflow);
            var span = page.Span;
            var chunk = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[OverflowLengthOffset..]);
            if (chunk > OverflowCapacityBytes || chunk > length - done)
            {
                throw new PageCorruptionException(current, $"overflow link claims {chunk} bytes");
            }

            span.Slice(OverflowDataOffset, chunk).CopyTo(destination[done..]);
            done += chunk;
            current = BinaryPrimitives.ReadUInt64LittleEndian(span[OverflowNextOffset..]);
        }
    }

    /// <summary>Copies a leaf cell's value (inline or from its chain) to <paramref name="destination"/>.</summary>
    private void CopyValue(ReadOnlySpan<byte> leaf, int index, IBufferWriter<byte> destination)
    {
        var value = NodePage.Value(leaf, index);
        if (value.Kind == NodePage.InlineValue)
        {
            destination.Write(value.Inline);
            return;
        }

        ReadOverflow(value.FirstOverflowPage, value.Length, destination.GetSpan(value.Length)[..value.Length]);
        destination.Advance(value.Length);
    }

    private void RetireOverflow(ulong first, int length)
    {
        var current = first;
        var pages = (length + OverflowCapacityBytes - 1) / OverflowCapacityBytes;
        for (var i = 0; i < pages && current != NoPage; i++)
        {
            ulong next;
            using (var page = _pool.Pin(current, PageType.Overflow))
            {
                next = BinaryPrimitives.ReadUInt64LittleEndian(page.Span[OverflowNextOffset..]);
            }

            RetirePage(current);
            current = next;
        }
    }
}
