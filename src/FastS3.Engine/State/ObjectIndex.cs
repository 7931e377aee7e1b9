using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Text;
using FastS3.Engine.Format;
using FastS3.Engine.Index;
using FastS3.Storage;
using FastS3.Wal;

namespace FastS3.Engine.State;

/// <summary>
/// Every bucket's objects in one copy-on-write <see cref="BTree"/> on buffer-pool pages, so the
/// number of objects is bounded by the disk, not by memory. A tree key is
/// <c>bucket ‖ 0x00 ‖ key</c> (UTF-8; a bucket name has no NUL, so one bucket's keys are one
/// contiguous range in S3's listing order); a value is a versioned record:
/// <code>
///   u8  format (1)
///   u64 version LSN   the commit that created the version
///   u64 value LSN     the last commit that wrote this value (the creating one or a relocation)
///   extents           u32 count, 16 bytes each
///   object info       key, size, ETag, dates, content headers, user metadata, checksum
/// </code>
/// Extents come before the metadata so compaction's scan decodes only them. Uploads in progress
/// and their parts live in the same tree, beside the bucket's objects (see ObjectIndex.Uploads.cs).
/// </summary>
/// <remarks>
/// <para>The writer (the engine's commit lock) changes the tree's write state and seals one
/// version per commit; the engine makes a version visible once its commit is durable. Readers
/// enter a short read section (<see cref="EnterRead"/>) and read the version of the state they
/// took.</para>
/// <para>Decoding a value allocates (strings, the metadata, the content object), so decoded
/// entries are kept in a direct-mapped cache of fixed size: a lookup always walks the tree (the
/// truth) and copies the value's bytes, and reuses the cached entry when its value LSN matches.
/// A hot GET so allocates nothing, and a stale entry can never be served: its LSN would differ.</para>
/// </remarks>
internal sealed partial class ObjectIndex : IDisposable
{
    public const byte ValueFormat = 1;

    /// <summary>Bytes of a tree key: bucket (at most 63), the separator, and the object key.</summary>
    public const int MaxTreeKeyBytes = NodePage.MaxKeyBytes;

    private const int LsnsOffset = 1;
    private const int ExtentsOffset = 1 + 8 + 8;

    // One value buffer per thread for lookups (a value is a few hundred bytes; an overflow one is
    // copied from its chain into it): reused, so a lookup allocates nothing once warm.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadValue;

    private readonly BTree _tree;
    private readonly ObjectEntry?[] _cache;
    private readonly int _cacheMask;
    private readonly BinaryEncoder _encoder = new(); // writer only
    private readonly ArrayBufferWriter<byte> _writerValue = new(); // writer only

    public ObjectIndex(BTree tree, int cacheEntries)
    {
        _tree = tree;
        _cache = new ObjectEntry?[Math.Max(1, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(cacheEntries, 1)))];
        _cacheMask = _cache.Length - 1;
    }

    public BTree Tree => _tree;

    /// <summary>Entries in the write state.</summary>
    public long Count => _tree.Count;

    /// <summary>Pages one change's copied path can take: two per level of a tree of at most 8 levels (a split), and a new root.</summary>
    public const int PathPages = 17;

    /// <summary>
    /// Index pages writing one entry can allocate at most: the copied path plus an overflow chain
    /// for the value (extents, part sizes, metadata; 8 KiB pages carry a little less than 8 KiB each).
    /// </summary>
    public static int PagesToWrite(ObjectInfo info, int extentCount)
    {
        var valueBytes = 1024L + (extentCount * 16L) + (info.PartSizes.Count * 8L) + info.UserMetadata.Sum(m => 8L + (3 * (m.Key.Length + m.Value.Length))) + (3L * info.Key.Length);
        return PathPages + (int)Math.Min(int.MaxValue / 2, (valueBytes / 4096) + 1);
    }

    /// <summary>True when <paramref name="key"/> of <paramref name="bucket"/> fits a tree key.</summary>
    public static bool Fits(string bucket, string key) =>
        Encoding.UTF8.GetByteCount(bucket) + 1 + Encoding.UTF8.GetByteCount(key) <= MaxTreeKeyBytes;

    // ---- the writer (under the engine's commit lock, or recovery) ----

    /// <summary>The write state's version of the key, or null. Writer only.</summary>
    public ObjectEntry? GetForWrite(string bucket, string key)
    {
        Span<byte> treeKey = stackalloc byte[MaxTreeKeyBytes];
        if (!TryWriteKey(bucket, key, treeKey, out var length))
        {
            return null;
        }

        return Lookup(null, treeKey[..length]) is { } value ? Decode(bucket, key, value.WrittenSpan) : null;
    }

    /// <summary>Writes the key's new version (insert or replace); true when the key was new. Writer only.</summary>
    public bool Put(ObjectEntry entry, ulong lsn)
    {
        Span<byte> treeKey = stackalloc byte[MaxTreeKeyBytes];
        if (!TryWriteKey(entry.Bucket, entry.Key, treeKey, out var length))
        {
            throw new InvalidDataException($"key '{entry.Key}' of bucket '{entry.Bucket}' does not fit a {MaxTreeKeyBytes}-byte index key");
        }

        _encoder.Reset();
        _encoder.WriteByte(ValueFormat);
        _encoder.WriteUInt64(entry.VersionLsn);
        _encoder.WriteUInt64(entry.ValueLsn);
        _encoder.WriteExtents(entry.Extents.AsSpan());
        _encoder.WriteObjectInfo(entry.Info);
        var inserted = _tree.Upsert(treeKey[..length], _encoder.Written, lsn);
        Volatile.Write(ref _cache[SlotOf(entry.Bucket, entry.Key)], entry); // read-after-write finds it decoded
        return inserted;
    }

    /// <summary>Removes the key; false when it was not there. Writer only.</summary>
    public bool Delete(string bucket, string key, ulong lsn)
    {
        Span<byte> treeKey = stackalloc byte[MaxTreeKeyBytes];
        return TryWriteKey(bucket, key, treeKey, out var length) && _tree.Delete(treeKey[..length], lsn);
    }

    /// <summary>Ends the tree version of the commit at <paramref name="lsn"/> (visible later). Writer only.</summary>
    public PublishedVersion Seal(ulong lsn) => _tree.Seal(lsn);

    /// <summary>Makes a sealed version the visible one; the engine stores its own state first (see <see cref="BTree.EnterRead"/>).</summary>
    public void MakeVisible(PublishedVersion version) => _tree.MakeVisible(version);

    // ---- readers ----

    /// <summary>A short read section: take the visible state after entering, read its version until disposed.</summary>
    public ReadGrace.Token EnterRead() => _tree.EnterRead();

    /// <summary>The key's version in <paramref name="version"/> (held by the caller), or null; allocates nothing on a cache hit.</summary>
    public ObjectEntry? Find(PublishedVersion version, string bucket, string key)
    {
        Span<byte> treeKey = stackalloc byte[MaxTreeKeyBytes];
        if (!TryWriteKey(bucket, key, treeKey, out var length))
        {
            return null;
        }

        if (Lookup(version, treeKey[..length]) is not { } buffer)
        {
            return null;
        }

        var value = buffer.WrittenSpan;
        ref var slot = ref _cache[SlotOf(bucket, key)];
        var cached = Volatile.Read(ref slot);
        if (IsDecodeOf(cached, bucket, key, value))
        {
            return cached;
        }

        var entry = Decode(bucket, key, value);
        Volatile.Write(ref slot, entry);
        return entry;
    }

    /// <summary>
    /// The bucket's entries from the first key &gt;= <paramref name="lowerBound"/> in listing order,
    /// lazily: keys first, metadata decoded only when asked (<see cref="BucketWalk.Current"/>).
    /// The caller holds <paramref name="version"/> for the whole walk.
    /// </summary>
    public BucketWalk Walk(PublishedVersion version, string bucket, string lowerBound, bool pastPrefix = false) => new BucketWalk(this, version, bucket).SeekTo(lowerBound, pastPrefix);

    public void Dispose() => _tree.Dispose();

    /// <summary>
    /// The value of <paramref name="treeKey"/> in <paramref name="version"/>, or in the write state
    /// when null, copied into a reused buffer (the writer's, or the calling thread's); null if absent.
    /// </summary>
    private ArrayBufferWriter<byte>? Lookup(PublishedVersion? version, ReadOnlySpan<byte> treeKey)
    {
        var buffer = version is null ? _writerValue : _threadValue ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        return (version is null ? _tree.TryGet(treeKey, buffer) : _tree.TryGet(version, treeKey, buffer)) ? buffer : null;
    }

    /// <summary>True when <paramref name="cached"/> is the decode of exactly this stored value (same key, same value LSN).</summary>
    private static bool IsDecodeOf([NotNullWhen(true)] ObjectEntry? cached, string bucket, string key, ReadOnlySpan<byte> value) =>
        cached is not null && cached.ValueLsn == ReadValueLsn(value) && cached.Key == key && cached.Bucket == bucket;

    private static ulong ReadValueLsn(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadUInt64LittleEndian(value[(LsnsOffset + 8)..]);

    private static ObjectEntry Decode(string bucket, string key, ReadOnlySpan<byte> value)
    {
        var decoder = new BinaryDecoder(value);
        var format = decoder.ReadByte();
        if (format != ValueFormat)
        {
            throw new InvalidDataException($"index value of '{key}' in bucket '{bucket}' has format {format}, this build reads {ValueFormat}");
        }

        var versionLsn = decoder.ReadUInt64();
        var valueLsn = decoder.ReadUInt64();
        var extents = decoder.ReadExtents();
        var info = decoder.ReadObjectInfo();
        decoder.ExpectEnd();
        return new ObjectEntry(bucket, key, info, extents, versionLsn, valueLsn);
    }

    private static ImmutableArray<WalLocation> DecodeExtents(ReadOnlySpan<byte> value)
    {
        var decoder = new BinaryDecoder(value[ExtentsOffset..]);
        return decoder.ReadExtents();
    }

    private int SlotOf(string bucket, string key) => HashCode.Combine(bucket, key) & _cacheMask;

    private static int WritePrefix(string bucket, Span<byte> destination)
    {
        var length = Encoding.UTF8.GetBytes(bucket, destination);
        destination[length] = 0;
        return length + 1;
    }

    private static bool TryWriteKey(string bucket, string key, Span<byte> destination, out int length)
    {
        length = 0;
        if (Encoding.UTF8.GetByteCount(bucket) + 1 + Encoding.UTF8.GetByteCount(key) > destination.Length)
        {
            return false; // longer than any stored key: the engine refuses such keys at commit
        }

        length = WritePrefix(bucket, destination);
        length += Encoding.UTF8.GetBytes(key, destination[length..]);
        return true;
    }

    /// <summary>A walk over one bucket's keys in order (one list page, or compaction's scan).</summary>
    internal sealed class BucketWalk
    {
        private readonly ObjectIndex _index;
        private readonly string _bucket;
        private readonly PublishedVersion _version;
        private readonly byte[] _prefix;
        private BTreeCursor? _cursor;
        private string? _key;
        private bool _ended;

        internal BucketWalk(ObjectIndex index, PublishedVersion version, string bucket)
        {
            _index = index;
            _version = version;
            _bucket = bucket;
            _prefix = new byte[Encoding.UTF8.GetByteCount(bucket) + 1];
            WritePrefix(bucket, _prefix);
        }

        /// <summary>
        /// Repositions the walk before the bucket's first key &gt;= <paramref name="bound"/>, or with
        /// <paramref name="pastPrefix"/> after every key that starts with it (UTF-8 has no 0xFF byte,
        /// so bound ‖ 0xFF is above all of them). Reuses the cursor: no allocation per seek beyond the bound's bytes.
        /// </summary>
        public BucketWalk SeekTo(string bound, bool pastPrefix)
        {
            var start = new byte[_prefix.Length + Encoding.UTF8.GetByteCount(bound) + (pastPrefix ? 1 : 0)];
            _prefix.CopyTo(start, 0);
            Encoding.UTF8.GetBytes(bound, start.AsSpan(_prefix.Length));
            if (pastPrefix)
            {
                start[^1] = 0xFF;
            }

            _cursor = _index._tree.Seek(_version, start, _cursor);
            _ended = false;
            _key = null;
            return this;
        }

        /// <summary>The key the walk is on.</summary>
        public string Key => _key ?? throw new InvalidOperationException("the walk is not on a key");

        /// <summary>Moves to the bucket's next key; false past its last.</summary>
        public bool MoveNext()
        {
            if (_ended || !_cursor!.MoveNext() || !_cursor.Key.StartsWith(_prefix))
            {
                _ended = true;
                _key = null;
                return false;
            }

            _key = Encoding.UTF8.GetString(_cursor!.Key[_prefix.Length..]);
            return true;
        }

        /// <summary>The current key's entry (decoded now, or the cached decode).</summary>
        public ObjectEntry Current
        {
            get
            {
                var key = Key;
                var value = _cursor!.Value;
                ref var slot = ref _index._cache[_index.SlotOf(_bucket, key)];
                var cached = Volatile.Read(ref slot);
                return IsDecodeOf(cached, _bucket, key, value)
                    ? cached
                    : Decode(_bucket, key, value); // a list does not displace hot GET entries from the cache
            }
        }

        /// <summary>The current key's extents only (compaction's scan decodes no metadata).</summary>
        public ImmutableArray<WalLocation> CurrentExtents => DecodeExtents(_cursor!.Value);

        /// <summary>The keys from here on, lazily; <see cref="Current"/> answers for the key just yielded.</summary>
        public IEnumerable<string> Keys()
        {
            while (MoveNext())
            {
                yield return Key;
            }
        }
    }
}
