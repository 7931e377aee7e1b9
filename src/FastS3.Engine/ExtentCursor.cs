using System.Collections.Immutable;
using System.Diagnostics;
using FastS3.Wal;

namespace FastS3.Engine;

/// <summary>Walks a byte range of an object's extents as log locations of bounded size.</summary>
internal struct ExtentCursor
{
    private ImmutableArray<WalLocation> _extents;
    private int _index;
    private int _offsetInExtent;

    public ExtentCursor(ImmutableArray<WalLocation> extents, long offset)
    {
        _extents = extents;
        _index = 0;
        _offsetInExtent = 0;
        while (_index < extents.Length && offset >= extents[_index].LengthBytes)
        {
            offset -= extents[_index].LengthBytes;
            _index++;
        }

        _offsetInExtent = (int)offset;
    }

    /// <summary>The next location of at most <paramref name="maxBytes"/>, without consuming it.</summary>
    public readonly WalLocation Peek(int maxBytes)
    {
        Debug.Assert(_index < _extents.Length, "read past the object's extents");
        var extent = _extents[_index];
        var take = Math.Min(extent.LengthBytes - _offsetInExtent, maxBytes);
        return new WalLocation(extent.SegmentId, extent.Offset + _offsetInExtent, take);
    }

    /// <summary>Consumes <paramref name="bytes"/> (what <see cref="Peek"/> returned).</summary>
    public void Advance(int bytes)
    {
        _offsetInExtent += bytes;
        if (_offsetInExtent == _extents[_index].LengthBytes)
        {
            _index++;
            _offsetInExtent = 0;
        }
    }
}
