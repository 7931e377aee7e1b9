using BenchmarkDotNet.Running;

namespace FastS3.Bench;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/FastS3.Bench -- --filter '*'</c> for the
/// BenchmarkDotNet suite; <c>-- restart</c>, <c>-- compaction</c> and <c>-- objects</c> for the restart-time, disk-use and object-count measurements.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["restart", ..])
        {
            return Engine.RestartTime.Run(args[1..]);
        }

        if (args is ["compaction", ..])
        {
            return Engine.CompactionSpace.Run(args[1..]);
        }

        if (args is ["objects", ..])
        {
            return Engine.ObjectCount.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
