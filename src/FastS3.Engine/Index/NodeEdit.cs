using System.Diagnostics;

namespace FastS3.Engine.Index;

/// <summary>
/// The cells of a node after one change, without materializing them: the old page's cells with
/// <see cref="RemoveCount"/> of them at <see cref="Position"/> replaced by up to two new cells.
/// The copy-on-write rebuild streams this sequence into one new page, or two when it overflows.
/// </summary>
internal readonly ref struct NodeEdit
{
    private readonly ReadOnlySpan<byte> _old;
    private readonly ReadOnlySpan<byte> _first;
    private readonly ReadOnlySpan<byte> _second;

    public NodeEdit(ReadOnlySpan<byte> oldPage, int position, int removeCount, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, int newCount)
    {
        Debug.Assert(newCount is >= 0 and <= 2 && removeCount is >= 0 and <= 2);
        Debug.Assert(position + removeCount <= NodePage.Count(oldPage));
        _old = oldPage;
        Position = position;
        RemoveCount = removeCount;
        NewCount = newCount;
        _first = first;
        _second = second;
        Count = NodePage.Count(oldPage) - removeCount + newCount;
    }

    public int Position { get; }

    public int RemoveCount { get; }

    public int NewCount { get; }

    /// <summary>Cells after the change.</summary>
    public int Count { get; }

    public ReadOnlySpan<byte> Cell(int index)
    {
        if (index < Position)
        {
            return NodePage.Cell(_old, index);
        }

        if (index < Position + NewCount)
        {
            return index == Position ? _first : _second;
        }

        return NodePage.Cell(_old, index - NewCount + RemoveCount);
    }

    /// <summary>Slot and cell bytes of cells [from, to).</summary>
    public int Bytes(int from, int to)
    {
        var total = 0;
        for (var i = from; i < to; i++)
        {
            total += Cell(i).Length + 2;
        }

        return total;
    }
}
