namespace FastS3.LoadGen;

/// <summary>
/// <c>fasts3-loadgen</c>: a warp-like S3 load generator on hand-written HTTP/1.1 over raw
/// loopback sockets, cheaper per request than the server it measures.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Same reason as the server: socket continuations run inline on the epoll thread, no
        // thread-pool hop per receive (the generator's own cost per request drops with it).
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
        {
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }

        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(LoadOptions.Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            if (args[0] == "presign")
            {
                return PresignCommand.Run(args);
            }

            var options = LoadOptions.Parse(args);
            return await LoadRun.RunAsync(options);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("fasts3-loadgen: " + ex.Message);
            await Console.Error.WriteLineAsync("run 'fasts3-loadgen --help' for usage");
            return 2;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync("fasts3-loadgen: " + ex.Message);
            return 1;
        }
    }
}
