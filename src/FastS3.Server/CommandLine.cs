namespace FastS3.Server;

/// <summary>The CLI flags. Flags override config.toml; an unknown flag or a bad value is an error naming it.</summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: fasts3 [options]
          -l, --listen <addr:port>   address to listen on (default 127.0.0.1:9000; config key listen_addr)
          -p, --protocol <http|grpc> protocol (default http; config key protocol)
          -c, --config <file>        configuration file (default config.toml)
          -a, --auth-file <file>     credentials file, one access_key:secret_key per line (config key auth_file)
          -h, --help                 show this help
        """;

    public static ServerConfig Parse(string[] args, out bool showHelp)
    {
        showHelp = false;
        string? configPath = null, listen = null, protocol = null, authFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ConfigException($"flag '{flag}' needs a value");
            switch (flag)
            {
                case "-h" or "--help":
                    showHelp = true;
                    break;
                case "-c" or "--config":
                    configPath = Value();
                    break;
                case "-l" or "--listen":
                    listen = Value();
                    break;
                case "-p" or "--protocol":
                    protocol = Value();
                    break;
                case "-a" or "--auth-file":
                    authFile = Value();
                    break;
                default:
                    throw new ConfigException($"unknown flag '{flag}'\n{Usage}");
            }
        }

        var config = ServerConfig.Load(configPath ?? "config.toml", required: configPath is not null);
        if (listen is not null)
        {
            config = config with { ListenAddress = ServerConfig.ParseEndPoint(listen, "--listen") };
        }

        if (protocol is not null)
        {
            config = config with { Protocol = ServerConfig.ParseProtocol(protocol, "--protocol") };
        }

        if (authFile is not null)
        {
            config = config with { AuthFile = Path.GetFullPath(authFile) };
        }

        return config;
    }
}
