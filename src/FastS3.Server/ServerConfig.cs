using System.Globalization;
using System.Net;
using Tomlyn;
using Tomlyn.Model;

namespace FastS3.Server;

/// <summary>
/// The server's configuration: config.toml overlaid by CLI flags. Every key is known; an unknown
/// key or a value of the wrong type or range is a start-up error naming the key, never a silent
/// default.
/// </summary>
public sealed record ServerConfig
{
    public IPEndPoint ListenAddress { get; init; } = new(IPAddress.Loopback, 9000);

    public string Protocol { get; init; } = "http";

    /// <summary>Credentials file (one <c>access_key:secret_key</c> per line). Relative paths resolve
    /// against the config file's folder.</summary>
    public string? AuthFile { get; init; } = "creds.txt";

    public string StorageBackend { get; init; } = "engine";

    public string StorageRoot { get; init; } = "./data";

    public string Region { get; init; } = "us-east-1";

    public bool AllowAnonymous { get; init; }

    public bool AllowHeaderAuth { get; init; }

    public IReadOnlyList<string> VirtualHostDomains { get; init; } = ["localhost", "s3.localhost"];

    /// <summary>Erasure-code sealed WAL segments into <see cref="DataDirs"/> and drop the local copies (engine only).</summary>
    public bool EnableErasureCoding { get; init; }

    /// <summary>k: data shards per sealed segment (4: a 64 MiB segment becomes four 16 MiB data shards).</summary>
    public int ErasureDataBlocks { get; init; } = 4;

    /// <summary>m: parity shards per sealed segment; up to m drives may be lost (2: survives two).</summary>
    public int ErasureParityBlocks { get; init; } = 2;

    /// <summary>One directory per drive, at least k + m; shard i of segment s goes to directory (i + s) mod N.</summary>
    public IReadOnlyList<string> DataDirs { get; init; } = [];

    /// <summary>"fsync" (default): a write is acknowledged once durable on disk; "os": once in the page cache (no checkpoints, no compaction).</summary>
    public string Durability { get; init; } = "fsync";

    /// <summary>Seconds between index checkpoints: bounds how much log a restart replays.</summary>
    public int CheckpointIntervalSeconds { get; init; } = 60;

    /// <summary>Compact while the sealed log's live fraction is below this (0 turns compaction off).</summary>
    public double CompactionLiveFraction { get; init; } = 0.5;

    /// <summary>Memory for the engine's index buffer pool, in bytes (0: the engine's default, 1/64 of RAM between 8 and 256 MiB).</summary>
    public long BufferPoolBytes { get; init; }

    /// <summary>GET bodies of 64 KiB and more go from where they are stored straight to the socket
    /// (false: copied through the connection's output pipe, as before; for comparisons).</summary>
    public bool DirectSend { get; init; } = true;

    /// <summary>WAL segment size (embedding and tests only, no config key): small segments seal and offload after a few objects.</summary>
    public int SegmentSizeBytes { get; init; } = Wal.WalOptions.DefaultSegmentSizeBytes;

    private static readonly string[] KnownKeys =
    [
        "listen_addr", "protocol", "auth_file", "storage_backend", "storage_root", "region",
        "allow_anonymous", "allow_header_auth", "virtual_host_domains",
        "enable_erasure_coding", "erasure_data_blocks", "erasure_parity_blocks", "data_dirs",
        "durability", "checkpoint_interval_seconds", "compaction_live_fraction", "buffer_pool_bytes", "direct_send",
    ];

    /// <summary>Reads <paramref name="path"/>; a missing file is an error only when <paramref name="required"/>.</summary>
    public static ServerConfig Load(string path, bool required)
    {
        if (!File.Exists(path))
        {
            if (required)
            {
                throw new ConfigException($"config file '{path}' does not exist");
            }

            return new ServerConfig();
        }

        TomlTable table;
        try
        {
            table = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(path))!;
        }
        catch (TomlException ex)
        {
            throw new ConfigException($"config file '{path}' is not valid TOML: {ex.Message}");
        }

        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return FromTable(table, baseDir);
    }

    public static ServerConfig FromTable(TomlTable table, string baseDir)
    {
        foreach (var key in table.Keys)
        {
            if (Array.IndexOf(KnownKeys, key) < 0)
            {
                throw new ConfigException($"unknown key '{key}' (known keys: {string.Join(", ", KnownKeys)})");
            }
        }

        var config = new ServerConfig();
        if (table.TryGetValue("listen_addr", out var listen))
        {
            config = config with { ListenAddress = ParseEndPoint(String(listen, "listen_addr"), "listen_addr") };
        }

        if (table.TryGetValue("protocol", out var protocol))
        {
            config = config with { Protocol = ParseProtocol(String(protocol, "protocol"), "protocol") };
        }

        if (table.TryGetValue("auth_file", out var auth))
        {
            var value = String(auth, "auth_file");
            config = config with { AuthFile = value.Length == 0 ? null : Path.GetFullPath(value, baseDir) };
        }
        else
        {
            config = config with { AuthFile = Path.GetFullPath("creds.txt", baseDir) };
        }

        if (table.TryGetValue("storage_backend", out var backend))
        {
            config = config with { StorageBackend = ParseBackend(String(backend, "storage_backend"), "storage_backend") };
        }

        if (table.TryGetValue("storage_root", out var root))
        {
            config = config with { StorageRoot = Path.GetFullPath(String(root, "storage_root"), baseDir) };
        }

        if (table.TryGetValue("region", out var region))
        {
            var value = String(region, "region");
            if (value.Length == 0 || !value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                throw new ConfigException($"key 'region': '{value}' is not a region name (e.g. us-east-1)");
            }

            config = config with { Region = value };
        }

        if (table.TryGetValue("allow_anonymous", out var anon))
        {
            config = config with { AllowAnonymous = Bool(anon, "allow_anonymous") };
        }

        if (table.TryGetValue("allow_header_auth", out var headerAuth))
        {
            config = config with { AllowHeaderAuth = Bool(headerAuth, "allow_header_auth") };
        }

        if (table.TryGetValue("virtual_host_domains", out var domains))
        {
            if (domains is not TomlArray array || array.Any(d => d is not string))
            {
                throw new ConfigException("key 'virtual_host_domains': expected an array of strings");
            }

            config = config with { VirtualHostDomains = array.Cast<string>().ToArray() };
        }

        if (table.TryGetValue("enable_erasure_coding", out var erasure))
        {
            config = config with { EnableErasureCoding = Bool(erasure, "enable_erasure_coding") };
        }

        if (table.TryGetValue("erasure_data_blocks", out var dataBlocks))
        {
            config = config with { ErasureDataBlocks = Int(dataBlocks, "erasure_data_blocks") };
        }

        if (table.TryGetValue("erasure_parity_blocks", out var parityBlocks))
        {
            config = config with { ErasureParityBlocks = Int(parityBlocks, "erasure_parity_blocks") };
        }

        if (table.TryGetValue("data_dirs", out var dataDirs))
        {
            if (dataDirs is not TomlArray array || array.Any(d => d is not string))
            {
                throw new ConfigException("key 'data_dirs': expected an array of strings");
            }

            config = config with { DataDirs = array.Cast<string>().Select(d => d.Length == 0 ? d : Path.GetFullPath(d, baseDir)).ToArray() };
        }

        if (table.TryGetValue("durability", out var durability))
        {
            var value = String(durability, "durability");
            config = config with { Durability = value is "fsync" or "os" ? value : throw new ConfigException($"key 'durability': '{value}' is not one of fsync, os") };
        }

        if (table.TryGetValue("checkpoint_interval_seconds", out var interval))
        {
            var value = Int(interval, "checkpoint_interval_seconds");
            config = config with { CheckpointIntervalSeconds = value is >= 1 and <= 86_400 ? value : throw new ConfigException($"key 'checkpoint_interval_seconds': {value} is outside 1..86400") };
        }

        if (table.TryGetValue("compaction_live_fraction", out var fraction))
        {
            var value = fraction switch
            {
                double d => d,
                long l => l,
                _ => throw new ConfigException($"key 'compaction_live_fraction': expected a number, got {Describe(fraction)}"),
            };
            config = config with { CompactionLiveFraction = value is >= 0 and < 1 ? value : throw new ConfigException($"key 'compaction_live_fraction': {value.ToString(CultureInfo.InvariantCulture)} is outside [0, 1)") };
        }

        if (table.TryGetValue("buffer_pool_bytes", out var pool))
        {
            long value = pool is long l ? l : throw new ConfigException($"key 'buffer_pool_bytes': expected an integer, got {Describe(pool)}");
            config = config with { BufferPoolBytes = value is >= 1 << 20 and <= 1L << 40 ? value : throw new ConfigException($"key 'buffer_pool_bytes': {value} is outside 1 MiB..1 TiB") };
        }

        if (table.TryGetValue("direct_send", out var direct))
        {
            config = config with { DirectSend = Bool(direct, "direct_send") };
        }

        config.Validate();
        return config;
    }

    /// <summary>
    /// Checks what no single key can: the erasure settings against each other and the backend.
    /// Called on load and again at start (an embedding builds the record in code).
    /// </summary>
    public void Validate()
    {
        if (!EnableErasureCoding)
        {
            return;
        }

        if (StorageBackend != "engine")
        {
            throw new ConfigException($"key 'enable_erasure_coding': needs storage_backend = \"engine\" (the {StorageBackend} backend has no log segments to code)");
        }

        if (ErasureDataBlocks < 1)
        {
            throw new ConfigException($"key 'erasure_data_blocks': must be at least 1; got {ErasureDataBlocks}");
        }

        if (ErasureParityBlocks < 0)
        {
            throw new ConfigException($"key 'erasure_parity_blocks': must be at least 0; got {ErasureParityBlocks}");
        }

        // GF(2^8) has 255 usable evaluation points: one per shard.
        if (ErasureDataBlocks + ErasureParityBlocks > Erasure.ReedSolomon.MaxTotalShards)
        {
            throw new ConfigException($"keys 'erasure_data_blocks' + 'erasure_parity_blocks': {ErasureDataBlocks} + {ErasureParityBlocks} exceeds {Erasure.ReedSolomon.MaxTotalShards}");
        }

        var needed = ErasureDataBlocks + ErasureParityBlocks;
        if (DataDirs.Count < needed)
        {
            throw new ConfigException(
                $"key 'data_dirs': lists {DataDirs.Count} director{(DataDirs.Count == 1 ? "y" : "ies")}, but erasure_data_blocks = {ErasureDataBlocks} + erasure_parity_blocks = {ErasureParityBlocks} need at least {needed} (one shard per directory)");
        }

        try
        {
            _ = ErasureLayout();
        }
        catch (ArgumentException ex)
        {
            throw new ConfigException($"key 'data_dirs': {ex.Message}");
        }
    }

    /// <summary>The shard layout these settings describe.</summary>
    public Segments.ErasureLayout ErasureLayout() => new(ErasureDataBlocks, ErasureParityBlocks, DataDirs);

    public static IPEndPoint ParseEndPoint(string value, string key)
    {
        // An explicit port is required: after the last ']' for IPv6 ("[::1]:9000"), after the address otherwise.
        var hasPort = value.LastIndexOf(':') > value.LastIndexOf(']') && (value.StartsWith('[') || value.Count(c => c == ':') == 1);
        if (hasPort && IPEndPoint.TryParse(value, out var endPoint))
        {
            return endPoint;
        }

        var colon = value.LastIndexOf(':');
        if (colon > 0 && value[..colon] == "localhost" && int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535)
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        throw new ConfigException($"key '{key}': '{value}' is not an address:port (e.g. 127.0.0.1:9000)");
    }

    public static string ParseProtocol(string value, string key) => value switch
    {
        "http" or "grpc" => value,
        _ => throw new ConfigException($"key '{key}': '{value}' is not one of http, grpc"),
    };

    /// <summary>"file" is accepted as the older name of the persistent backend.</summary>
    public static string ParseBackend(string value, string key) => value switch
    {
        "memory" or "engine" => value,
        "file" => "engine",
        _ => throw new ConfigException($"key '{key}': '{value}' is not one of engine, memory (or file, the older name of engine)"),
    };

    private static string String(object value, string key) =>
        value as string ?? throw new ConfigException($"key '{key}': expected a string, got {Describe(value)}");

    private static int Int(object value, string key) =>
        value is long l && l is >= int.MinValue and <= int.MaxValue
            ? (int)l
            : throw new ConfigException($"key '{key}': expected an integer, got {Describe(value)}");

    private static bool Bool(object value, string key) =>
        value as bool? ?? throw new ConfigException($"key '{key}': expected true or false, got {Describe(value)}");

    private static string Describe(object value) => value switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => value.GetType().Name,
    };
}
