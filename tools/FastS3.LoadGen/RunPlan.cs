using System.Globalization;

namespace FastS3.LoadGen;

/// <summary>What every worker shares, read-only once built: keys, sizes, request heads, the body bytes.</summary>
public sealed class RunPlan
{
    public RunPlan(LoadOptions options)
    {
        Options = options;
        Builder = new RequestBuilder(options);
        var objects = Math.Max(options.Objects, options.Concurrency);
        var random = new Random(20240601);
        Keys = new string[objects];
        Paths = new string[objects];
        Sizes = new long[objects];
        for (var i = 0; i < objects; i++)
        {
            Keys[i] = options.Prefix + "obj-" + i.ToString("D7", CultureInfo.InvariantCulture);
            Paths[i] = RequestBuilder.ObjectPath(options.Bucket, Keys[i]);
            Sizes[i] = options.Size.Next(random);
        }

        var bodyLength = Math.Max(options.Size.Max, options.Mode == LoadMode.Multipart ? options.PartSize : 0);
        Body = GC.AllocateUninitializedArray<byte>((int)bodyLength, pinned: true);
        random.NextBytes(Body);
        BucketPath = "/" + Uri.EscapeDataString(options.Bucket);
    }

    public LoadOptions Options { get; }

    public RequestBuilder Builder { get; }

    public string[] Keys { get; }

    public string[] Paths { get; }

    public long[] Sizes { get; }

    public byte[] Body { get; }

    public string BucketPath { get; }

    public byte[][] GetHeads { get; private set; } = [];

    public byte[][] HeadHeads { get; private set; } = [];

    public byte[][] PutHeads { get; private set; } = [];

    public byte[][] DeleteHeads { get; private set; } = [];

    public byte[] ListHead { get; private set; } = [];

    public int ObjectCount => Keys.Length;

    /// <summary>Global key indices worker <paramref name="worker"/> of <paramref name="workers"/> owns (i mod workers).</summary>
    public int[] OwnedKeys(int worker, int workers) =>
        Enumerable.Range(0, ObjectCount).Where(i => i % workers == worker).ToArray();

    /// <summary>Signs every head the measured loop can send (signatures made now stay valid for 15 minutes).</summary>
    public void BuildHeads()
    {
        var mode = Options.Mode;
        var n = ObjectCount;
        bool needs(params LoadMode[] modes) => modes.Contains(mode);
        GetHeads = mode == LoadMode.Raw ? [Builder.Build("GET", Options.RawPath)]
            : needs(LoadMode.Get, LoadMode.Mixed) ? Build(i => Builder.Build("GET", Paths[i])) : [];
        HeadHeads = needs(LoadMode.Stat, LoadMode.Mixed) ? Build(i => Builder.Build("HEAD", Paths[i])) : [];
        PutHeads = needs(LoadMode.Put, LoadMode.Mixed) ? Build(i => Builder.Build("PUT", Paths[i], "", Sizes[i])) : [];
        DeleteHeads = needs(LoadMode.Delete, LoadMode.Mixed) ? Build(i => Builder.Build("DELETE", Paths[i])) : [];
        ListHead = mode == LoadMode.List
            ? Builder.Build("GET", BucketPath, $"list-type=2&max-keys={Options.ListMax.ToString(CultureInfo.InvariantCulture)}&prefix={Uri.EscapeDataString(Options.Prefix)}")
            : [];

        byte[][] Build(Func<int, byte[]> one)
        {
            var heads = new byte[n][];
            for (var i = 0; i < n; i++)
            {
                heads[i] = one(i);
            }

            return heads;
        }
    }
}
