using System.Buffers;
using System.Runtime.InteropServices;
using FastS3.Auth.Internal;
using FastS3.Common.Http;

namespace FastS3.Auth.SigV4;

/// <summary>
/// Builds the SigV4 canonical request exactly as Amazon S3 defines it (S3 API Reference,
/// "Signature Calculations for the Authorization Header", section "Canonical request"). The one
/// implementation shared by verification and by <see cref="SigV4Signer"/>, so the two can never
/// disagree.
/// </summary>
internal static class SigV4Canonicalizer
{
    /// <summary>
    /// Most query parameters one canonical query is built from. Prevents CPU and memory
    /// exhaustion from sorting a request line made of tens of thousands of '&amp;' separators
    /// before the signature is known to be good.
    /// </summary>
    public const int MaxQueryParameters = 1024;

    /// <summary>
    /// Most names in SignedHeaders. Matching is O(signed x received headers); this keeps an
    /// unauthenticated request from making that quadratic work large.
    /// </summary>
    public const int MaxSignedHeaders = 128;

    private static ReadOnlySpan<byte> SignatureParam => "X-Amz-Signature"u8;

    /// <summary>
    /// Writes the canonical request into <paramref name="output"/>. Returns false (with
    /// nothing meaningful written) when a limit above is exceeded.
    /// </summary>
    public static bool TryBuild<T>(in T head, ReadOnlySpan<byte> signedHeaders, ReadOnlySpan<byte> payloadHash, bool excludeSignatureParam, ref ByteBuilder output)
        where T : IRequestHead, allows ref struct
    {
        output.Append(head.Method);
        output.Append((byte)'\n');
        AppendCanonicalPath(head.Path, ref output);
        output.Append((byte)'\n');
        if (!TryAppendCanonicalQuery(head.Query, excludeSignatureParam, ref output))
        {
            return false;
        }

        output.Append((byte)'\n');
        if (!TryAppendCanonicalHeaders(head, signedHeaders, ref output))
        {
            return false;
        }

        output.Append((byte)'\n');
        output.Append(signedHeaders);
        output.Append((byte)'\n');
        output.Append(payloadHash);
        return true;
    }

    /// <summary>
    /// Canonical URI for S3: the path as the client sent it, already URI-encoded once. S3 does
    /// not normalize (no dot-segment removal, no slash merging) and does not encode a second
    /// time (S3 API Reference, "Canonical request": "Each path segment must be URI-encoded
    /// twice ... except for Amazon S3 which only gets URI-encoded once"). Valid '%XX' triplets
    /// are kept exactly as received; any other byte outside the RFC 3986 unreserved set and '/'
    /// (a raw UTF-8 byte, a space, '$' as in the docs' PUT example) is percent-encoded, which
    /// is what the client's own single encoding produced.
    /// </summary>
    public static void AppendCanonicalPath(ReadOnlySpan<byte> path, ref ByteBuilder output)
    {
        if (path.IsEmpty)
        {
            output.Append((byte)'/');
            return;
        }

        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (Ascii8.IsUnreserved(c) || c == '/')
            {
                output.Append(c);
            }
            else if (c == '%' && i + 2 < path.Length && Hex.Value(path[i + 1]) >= 0 && Hex.Value(path[i + 2]) >= 0)
            {
                output.Append(path.Slice(i, 3));
                i += 2;
            }
            else
            {
                output.AppendPercentEncoded(c);
            }
        }
    }

    /// <summary>
    /// Canonical query string ("CanonicalQueryString" in the S3 docs): every name and value is
    /// decoded once and re-encoded with only the RFC 3986 unreserved set left bare (space is
    /// %20, '+' is %2B: a raw '+' is taken literally, not as a form-encoded space), pairs are
    /// sorted by encoded name then encoded value (byte order), value-less parameters keep the
    /// '=' ("uploads="), and for presigned URLs X-Amz-Signature is left out.
    /// </summary>
    public static bool TryAppendCanonicalQuery(ReadOnlySpan<byte> query, bool excludeSignatureParam, ref ByteBuilder output)
    {
        if (query.IsEmpty)
        {
            return true;
        }

        var count = query.Count((byte)'&') + 1;
        if (count > MaxQueryParameters)
        {
            return false;
        }

        QueryEntry[]? rentedEntries = null;
        var entries = count <= 32 ? stackalloc QueryEntry[32] : (rentedEntries = ArrayPool<QueryEntry>.Shared.Rent(count));
        var scratch = new ByteBuilder(stackalloc byte[512]);
        try
        {
            var n = 0;
            var rest = query;
            while (true)
            {
                var amp = rest.IndexOf((byte)'&');
                var pair = amp < 0 ? rest : rest[..amp];
                if (!pair.IsEmpty)
                {
                    var eq = pair.IndexOf((byte)'=');
                    var rawName = eq < 0 ? pair : pair[..eq];
                    var rawValue = eq < 0 ? default : pair[(eq + 1)..];
                    var nameStart = scratch.Length;
                    AppendReencoded(rawName, ref scratch);
                    var nameLength = scratch.Length - nameStart;
                    if (excludeSignatureParam && scratch.Written.Slice(nameStart, nameLength).SequenceEqual(SignatureParam))
                    {
                        scratch.Truncate(nameStart);
                    }
                    else
                    {
                        AppendReencoded(rawValue, ref scratch);
                        entries[n++] = new QueryEntry(nameStart, nameLength, scratch.Length - nameStart - nameLength);
                    }
                }

                if (amp < 0)
                {
                    break;
                }

                rest = rest[(amp + 1)..];
            }

            var sorted = entries[..n];
            Sort(sorted, scratch.Written);
            var all = scratch.Written;
            for (var i = 0; i < sorted.Length; i++)
            {
                if (i > 0)
                {
                    output.Append((byte)'&');
                }

                var e = sorted[i];
                output.Append(all.Slice(e.Start, e.NameLength));
                output.Append((byte)'=');
                output.Append(all.Slice(e.Start + e.NameLength, e.ValueLength));
            }

            return true;
        }
        finally
        {
            scratch.Dispose();
            if (rentedEntries is not null)
            {
                ArrayPool<QueryEntry>.Shared.Return(rentedEntries);
            }
        }
    }

    /// <summary>Percent-decodes <paramref name="raw"/> once and encodes the result with the SigV4 rule.</summary>
    public static void AppendReencoded(ReadOnlySpan<byte> raw, ref ByteBuilder output)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%' && i + 2 < raw.Length)
            {
                var hi = Hex.Value(raw[i + 1]);
                var lo = Hex.Value(raw[i + 2]);
                if ((hi | lo) >= 0)
                {
                    c = (byte)((hi << 4) | lo);
                    i += 2;
                }
            }

            if (Ascii8.IsUnreserved(c))
            {
                output.Append(c);
            }
            else
            {
                output.AppendPercentEncoded(c);
            }
        }
    }

    /// <summary>
    /// Canonical headers: for each name in SignedHeaders (in the order given, which a
    /// conforming client sorted), "name:value\n" where the values of every received header of
    /// that name (any case) are trimmed, runs of spaces collapsed to one, and joined with ','
    /// in arrival order (S3 API Reference, "CanonicalHeaders").
    /// </summary>
    private static bool TryAppendCanonicalHeaders<T>(in T head, ReadOnlySpan<byte> signedHeaders, ref ByteBuilder output)
        where T : IRequestHead, allows ref struct
    {
        var names = 0;
        var rest = signedHeaders;
        var headerCount = head.HeaderCount;
        while (!rest.IsEmpty)
        {
            if (++names > MaxSignedHeaders)
            {
                return false;
            }

            var semi = rest.IndexOf((byte)';');
            var name = semi < 0 ? rest : rest[..semi];
            rest = semi < 0 ? default : rest[(semi + 1)..];

            output.Append(name);
            output.Append((byte)':');
            var first = true;
            for (var h = 0; h < headerCount; h++)
            {
                if (!Ascii8.EqualsIgnoreCase(head.HeaderName(h), name))
                {
                    continue;
                }

                if (!first)
                {
                    output.Append((byte)',');
                }

                first = false;
                AppendCanonicalValue(head.HeaderValue(h), ref output);
            }

            output.Append((byte)'\n');
        }

        return true;
    }

    private static void AppendCanonicalValue(ReadOnlySpan<byte> value, ref ByteBuilder output)
    {
        value = value.Trim(" \t"u8);
        var previousSpace = false;
        foreach (var c in value)
        {
            if (c is (byte)' ' or (byte)'\t')
            {
                if (!previousSpace)
                {
                    output.Append((byte)' ');
                }

                previousSpace = true;
            }
            else
            {
                output.Append(c);
                previousSpace = false;
            }
        }
    }

    /// <summary>Stable merge sort by (name, value) byte order; small n uses insertion sort.</summary>
    private static void Sort(Span<QueryEntry> entries, ReadOnlySpan<byte> text)
    {
        if (entries.Length <= 16)
        {
            for (var i = 1; i < entries.Length; i++)
            {
                var item = entries[i];
                var j = i - 1;
                while (j >= 0 && Compare(entries[j], item, text) > 0)
                {
                    entries[j + 1] = entries[j];
                    j--;
                }

                entries[j + 1] = item;
            }

            return;
        }

        var rented = ArrayPool<QueryEntry>.Shared.Rent(entries.Length);
        try
        {
            var mid = entries.Length / 2;
            Sort(entries[..mid], text);
            Sort(entries[mid..], text);
            var tmp = rented.AsSpan(0, entries.Length);
            int a = 0, b = mid, k = 0;
            while (a < mid && b < entries.Length)
            {
                tmp[k++] = Compare(entries[b], entries[a], text) < 0 ? entries[b++] : entries[a++];
            }

            while (a < mid)
            {
                tmp[k++] = entries[a++];
            }

            while (b < entries.Length)
            {
                tmp[k++] = entries[b++];
            }

            tmp.CopyTo(entries);
        }
        finally
        {
            ArrayPool<QueryEntry>.Shared.Return(rented);
        }
    }

    private static int Compare(QueryEntry x, QueryEntry y, ReadOnlySpan<byte> text)
    {
        var c = text.Slice(x.Start, x.NameLength).SequenceCompareTo(text.Slice(y.Start, y.NameLength));
        return c != 0
            ? c
            : text.Slice(x.Start + x.NameLength, x.ValueLength).SequenceCompareTo(text.Slice(y.Start + y.NameLength, y.ValueLength));
    }

    [StructLayout(LayoutKind.Auto)]
    private readonly record struct QueryEntry(int Start, int NameLength, int ValueLength);
}
