using System.Globalization;

namespace FastS3.LoadGen;

/// <summary>Command-line options of a load run. Every run is bounded: duration at most 600 s.</summary>
public sealed class LoadOptions
{
    /// <summary>Longest run accepted: keeps header signatures (made before the run) inside S3's 15-minute skew window.</summary>
    public const double MaxDurationSeconds = 600;

    public const string Usage = """
        Usage: fasts3-loadgen <mode> [options]
               fasts3-loadgen presign --method GET --path /bucket/key [--endpoint ...] [--expires 3600]
          modes: put | get | stat | delete | list | mixed | multipart | raw
                 (raw: GET --path over and over, no bucket; for the generator's own ceiling)
                 (mixed: 45% GET, 30% HEAD, 15% PUT, 10% DELETE)
          --endpoint <addr:port>   127.0.0.1:port or [::1]:port only (default 127.0.0.1:9000)
          --access-key <k> --secret-key <s>   SigV4 keys (default fasts3admin / fasts3secret-change-me)
          --region <r>             signing region (default us-east-1)
          --anonymous              send unsigned requests
          --bucket <name>          bucket (default loadgen); created if missing, removed after if created
          --prefix <p>             key prefix (default lg/)
          --size <n|min-max>       object size, e.g. 4KiB, 1MiB, 1KiB-64KiB (default 4KiB)
          --objects <n>            objects prepared / cycled (default 500; raised to concurrency)
          -c, --concurrency <n>    connections, one worker each (default 16)
          -d, --duration <s>       seconds of measured load (default 10, max 600)
          -n, --ops <n>            stop after n operations in total (default: duration only)
          --part-size <n>          multipart part size (default 5MiB); --parts <n> (default 2)
          --list-max <n>           max-keys for list (default 100)
          --warmup <s>             seconds of unmeasured load first (default 0)
          --json                   machine-readable result on stdout instead of the table
          --no-cleanup             leave prepared objects (and the bucket) in place
        Exit code: 0 if every request succeeded, 1 on any error, 2 on bad usage.
        """;

    public LoadMode Mode { get; init; }

    public LoopbackEndpoint Endpoint { get; init; } = LoopbackEndpoint.Parse("127.0.0.1:9000");

    public string AccessKey { get; init; } = "fasts3admin";

    public string SecretKey { get; init; } = "fasts3secret-change-me";

    public string Region { get; init; } = "us-east-1";

    public bool Anonymous { get; init; }

    public string Bucket { get; init; } = "loadgen";

    public string Prefix { get; init; } = "lg/";

    public SizeSpec Size { get; init; } = new(4096, 4096);

    public int Objects { get; init; } = 500;

    public int Concurrency { get; init; } = 16;

    public double DurationSeconds { get; init; } = 10;

    public long MaxOps { get; init; } = long.MaxValue;

    public long PartSize { get; init; } = 5L << 20;

    public int Parts { get; init; } = 2;

    public int ListMax { get; init; } = 100;

    public double WarmupSeconds { get; init; }

    public bool Json { get; init; }

    public bool Cleanup { get; init; } = true;

    public string RawPath { get; init; } = "/";

    public static LoadOptions Parse(string[] args)
    {
        if (args.Length == 0)
        {
            throw new ArgumentException("missing mode");
        }

        var mode = args[0].ToLowerInvariant() switch
        {
            "put" => LoadMode.Put,
            "get" => LoadMode.Get,
            "stat" => LoadMode.Stat,
            "delete" => LoadMode.Delete,
            "list" => LoadMode.List,
            "mixed" => LoadMode.Mixed,
            "multipart" => LoadMode.Multipart,
            "raw" => LoadMode.Raw,
            _ => throw new ArgumentException($"unknown mode '{args[0]}'"),
        };
        var o = new LoadOptions { Mode = mode };
        for (var i = 1; i < args.Length; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"flag '{flag}' needs a value");
            o = flag switch
            {
                "--endpoint" => o.With(endpoint: LoopbackEndpoint.Parse(Value())),
                "--access-key" => o.With(accessKey: Value()),
                "--secret-key" => o.With(secretKey: Value()),
                "--region" => o.With(region: Value()),
                "--anonymous" => o.With(anonymous: true),
                "--bucket" => o.With(bucket: Value()),
                "--prefix" => o.With(prefix: Value()),
                "--size" => o.With(size: SizeSpec.Parse(Value())),
                "--objects" => o.With(objects: PositiveInt(flag, Value())),
                "-c" or "--concurrency" => o.With(concurrency: PositiveInt(flag, Value())),
                "-d" or "--duration" => o.With(duration: Seconds(flag, Value(), MaxDurationSeconds)),
                "-n" or "--ops" => o.With(maxOps: PositiveInt(flag, Value())),
                "--part-size" => o.With(partSize: SizeSpec.ParseBytes(Value())),
                "--parts" => o.With(parts: PositiveInt(flag, Value())),
                "--list-max" => o.With(listMax: PositiveInt(flag, Value())),
                "--warmup" => o.With(warmup: Seconds(flag, Value(), 60)),
                "--json" => o.With(json: true),
                "--path" => o.With(rawPath: Value()),
                "--no-cleanup" => o.With(cleanup: false),
                _ => throw new ArgumentException($"unknown flag '{flag}'"),
            };
        }

        if (o.Size.Max > int.MaxValue / 2)
        {
            throw new ArgumentException("--size: at most 1 GiB per object");
        }

        if (o.Mode == LoadMode.Multipart && (o.PartSize * o.Parts > int.MaxValue / 2 || o.PartSize < 1))
        {
            throw new ArgumentException("--part-size x --parts: at most 1 GiB per upload");
        }

        return o;
    }

    private LoadOptions With(
        LoopbackEndpoint? endpoint = null, string? accessKey = null, string? secretKey = null, string? region = null,
        bool? anonymous = null, string? bucket = null, string? prefix = null, SizeSpec? size = null, int? objects = null,
        int? concurrency = null, double? duration = null, long? maxOps = null, long? partSize = null, int? parts = null,
        int? listMax = null, double? warmup = null, bool? json = null, bool? cleanup = null, string? rawPath = null) => new()
        {
            Mode = Mode,
            Endpoint = endpoint ?? Endpoint,
            AccessKey = accessKey ?? AccessKey,
            SecretKey = secretKey ?? SecretKey,
            Region = region ?? Region,
            Anonymous = anonymous ?? Anonymous,
            Bucket = bucket ?? Bucket,
            Prefix = prefix ?? Prefix,
            Size = size ?? Size,
            Objects = objects ?? Objects,
            Concurrency = concurrency ?? Concurrency,
            DurationSeconds = duration ?? DurationSeconds,
            MaxOps = maxOps ?? MaxOps,
            PartSize = partSize ?? PartSize,
            Parts = parts ?? Parts,
            ListMax = listMax ?? ListMax,
            WarmupSeconds = warmup ?? WarmupSeconds,
            Json = json ?? Json,
            Cleanup = cleanup ?? Cleanup,
            RawPath = rawPath ?? RawPath,
        };

    private static int PositiveInt(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{flag}: expected a positive integer, got '{value}'");

    private static double Seconds(string flag, string value, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 && s <= max
            ? s
            : throw new ArgumentException($"{flag}: expected seconds in [0, {max}], got '{value}'");
}
