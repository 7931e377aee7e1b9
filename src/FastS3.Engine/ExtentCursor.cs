using System.Collections.Immutable;
using System.Diagnostics;
using FastS3.Wal;

namespace FastS3.Engine;

/// <summary>
/// Walks a byte range of an object as log locations of at most a given step each. A struct (not
/// an iterator method) so a GET walks its extents without allocating: the iterator object it
/// replaced was the largest of a warm small GET's allocations.
/// </summary>
internal struct ExtentCursor
{
    private readonly ImmutableArray<WalLocation> _extents;
    private readonly int _stepBytes;
    private int _index;
    private long _skip;     // bytes of the range start still to skip, counted from extent _index
    private long _left;     // bytes of the range still to hand out
    private int _inExtent;  // offset inside extent _index where the next piece starts

    public ExtentCursor(ImmutableArray<WalLocation> extents, long offset, long length, int stepBytes)
    {
        Debug.Assert(offset >= 0 && length >= 0 && stepBytes > 0);
        _extents = extents;
        _stepBytes = stepBytes;
        _skip = offset;
        _left = length;
    }

    /// <summary>The next piece of the range, or false when the range is exhausted.</summary>
    public bool TryNext(out WalLocation piece)
    {
        while (_left > 0 && _index < _extents.Length)
        {
            var extent = _extents[_index];
            if (_skip >= extent.LengthBytes)
            {
                _skip -= extent.LengthBytes;
                _index++;
                continue;
            }

            if (_skip > 0)
            {
                _inExtent = (int)_skip;
                _skip = 0;
            }

            var n = (int)Math.Min(Math.Min(extent.LengthBytes - _inExtent, _left), _stepBytes);
            piece = new WalLocation(extent.SegmentId, extent.Offset + _inExtent, n);
            _left -= n;
            _inExtent += n;
            if (_inExtent == extent.LengthBytes)
            {
                _index++;
                _inExtent = 0;
            }

            return true;
        }

        Debug.Assert(_left == 0, "the extents cover the object");
        piece = default;
        return false;
    }
}
