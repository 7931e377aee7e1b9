using FastS3.Storage;

namespace FastS3.Tests;

/// <summary>The shared listing walk: a rolled-up common prefix costs one seek, not a step per key under it.</summary>
public sealed class ListWalkerTests
{
    private static readonly List<string> Keys =
    [
        "a.txt",
        .. Enumerable.Range(0, 5_000).Select(i => $"logs/{i:D5}"),
        "m.txt",
        .. Enumerable.Range(0, 5_000).Select(i => $"photos/{i:D5}.jpg"),
        "z.txt",
    ];

    [Fact]
    public void A_delimited_listing_seeks_past_each_common_prefix()
    {
        var pulled = 0;
        IEnumerable<string> KeysFrom(string bound, bool pastPrefix)
        {
            foreach (var key in Keys.Order(Utf8KeyComparer.Instance))
            {
                if (pastPrefix ? key.StartsWith(bound, StringComparison.Ordinal) || Utf8KeyComparer.Instance.Compare(key, bound) < 0 : Utf8KeyComparer.Instance.Compare(key, bound) < 0)
                {
                    continue; // what a seek would not reach
                }

                pulled++;
                yield return key;
            }
        }

        var page = ListWalker.Walk(KeysFrom, new ListRequest(string.Empty, "/", null, 1000), key => new ObjectInfo { Key = key, Size = 1, ETag = "\"e\"", LastModified = DateTimeOffset.UnixEpoch });
        Assert.Equal(["a.txt", "m.txt", "z.txt"], page.Objects.Select(o => o.Key));
        Assert.Equal(["logs/", "photos/"], page.CommonPrefixes);
        Assert.True(pulled <= 10, $"{pulled} keys read for a five-row page");

        // The next page of a truncated one starts past the prefix it ended on.
        pulled = 0;
        var first = ListWalker.Walk(KeysFrom, new ListRequest(string.Empty, "/", null, 2), key => new ObjectInfo { Key = key, Size = 1, ETag = "\"e\"", LastModified = DateTimeOffset.UnixEpoch });
        Assert.Equal("logs/", first.NextStartAfter);
        var second = ListWalker.Walk(KeysFrom, new ListRequest(string.Empty, "/", first.NextStartAfter, 2), key => new ObjectInfo { Key = key, Size = 1, ETag = "\"e\"", LastModified = DateTimeOffset.UnixEpoch });
        Assert.Equal(["m.txt"], second.Objects.Select(o => o.Key));
        Assert.Equal(["photos/"], second.CommonPrefixes);
        Assert.True(pulled <= 12, $"{pulled} keys read for two two-row pages");
    }
}
