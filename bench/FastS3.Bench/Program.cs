using BenchmarkDotNet.Running;

namespace FastS3.Bench;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/FastS3.Bench -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
