namespace FastS3.LoadGen;

/// <summary>
/// A worker's own keys split into present and absent, each a swap-remove list, so the mixed
/// workload picks an existing key for GET/HEAD/DELETE and a missing one for PUT in O(1) without
/// allocating and never reads a key another worker just deleted.
/// </summary>
public sealed class KeySet
{
    private readonly int[] _present;
    private readonly int[] _absent;
    private readonly int[] _where;
    private int _presentCount;
    private int _absentCount;

    /// <param name="keys">Global key indices owned by this worker, all initially absent.</param>
    public KeySet(int[] keys)
    {
        _present = new int[keys.Length];
        _absent = (int[])keys.Clone();
        _absentCount = keys.Length;
        _where = new int[keys.Length == 0 ? 0 : keys.Max() + 1];
        for (var i = 0; i < keys.Length; i++)
        {
            _where[keys[i]] = i;
        }
    }

    public int PresentCount => _presentCount;

    public int AbsentCount => _absentCount;

    public int RandomPresent(Random random) => _present[random.Next(_presentCount)];

    public int RandomAbsent(Random random) => _absent[random.Next(_absentCount)];

    public int PresentAt(int i) => _present[i];

    public void MarkPresent(int key) => Move(key, _absent, ref _absentCount, _present, ref _presentCount);

    public void MarkAbsent(int key) => Move(key, _present, ref _presentCount, _absent, ref _absentCount);

    private void Move(int key, int[] from, ref int fromCount, int[] to, ref int toCount)
    {
        var i = _where[key];
        if (i >= fromCount || from[i] != key)
        {
            return;
        }

        var last = from[--fromCount];
        from[i] = last;
        _where[last] = i;
        to[toCount] = key;
        _where[key] = toCount++;
    }
}
