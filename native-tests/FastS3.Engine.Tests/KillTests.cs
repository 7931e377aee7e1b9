using System.Diagnostics;
using FastS3.Common.Errors;
using static FastS3.Engine.Tests.EngineTestSupport;

namespace FastS3.Engine.Tests;

/// <summary>
/// A real process crash: the harness (<see cref="CrashHarness"/>) writes and acknowledges on real
/// files with fsync, is killed with SIGKILL at a random moment (mid-PUT, mid-checkpoint), and the
/// folder is reopened: every acknowledged object is there with exact bytes, at most the one PUT
/// in flight is extra, and the next cycle continues on the same folder.
/// </summary>
public sealed class KillTests
{
    private const int Cycles = 3;

    [Fact]
    public async Task Sigkill_at_random_points_loses_no_acknowledged_write()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var directory = new TempDirectory();
        var random = new Random(4242);
        var everAcked = new List<int>();
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            var target = random.Next(5, 40);
            var acked = await RunAndKillAsync(directory.Path, target);
            Assert.True(acked.Count >= target, $"cycle {cycle}: the harness acknowledged only {acked.Count} of {target}");
            everAcked.AddRange(acked);

            await using var store = EngineObjectStore.Open(directory.Path, CrashHarness.Options());
            var present = store.ListObjects(CrashHarness.Bucket, new Storage.ListRequest("k", null, null, 100_000)).Value!.Objects.Select(o => int.Parse(o.Key[1..])).ToHashSet();
            foreach (var n in everAcked)
            {
                Assert.True(present.Contains(n), $"cycle {cycle}: acknowledged k{n} is missing");
                Assert.Equal(Body(n, CrashHarness.BodyLength(n)), await GetBytesAsync(store, CrashHarness.Bucket, $"k{n}"));
            }

            var extra = present.Except(everAcked).ToList();
            Assert.True(extra.Count <= 1 && extra.All(n => n == everAcked.Max() + 1), $"cycle {cycle}: unacknowledged objects {string.Join(",", extra)} visible");
            foreach (var n in extra)
            {
                Assert.Equal(Body(n, CrashHarness.BodyLength(n)), await GetBytesAsync(store, CrashHarness.Bucket, $"k{n}")); // whole, never half
            }

            // "hot" is the last acknowledged version or the one in flight after it.
            var hot = store.GetObject(CrashHarness.Bucket, "hot");
            Assert.Equal(S3ErrorCode.None, hot.Error);
            var hotBytes = await ReadAllAsync(hot.Value!.Content);
            var last = everAcked.Max();
            Assert.True(hotBytes.AsSpan().SequenceEqual(Body(-last, 5_000 + (last % 100))) || hotBytes.AsSpan().SequenceEqual(Body(-(last + 1), 5_000 + ((last + 1) % 100))), $"cycle {cycle}: hot is neither version {last} nor {last + 1}");
            if (extra.Count == 1)
            {
                everAcked.Add(extra[0]); // it survived: the next cycle continues above it
            }
        }
    }

    private static async Task<List<int>> RunAndKillAsync(string root, int target)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashHarness).Assembly.Location);
        start.ArgumentList.Add("harness");
        start.ArgumentList.Add(root);
        using var process = Process.Start(start)!;
        var acked = new List<int>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (acked.Count < target)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    Assert.Fail($"harness exited early: {await process.StandardError.ReadToEndAsync()}");
                }

                if (line.StartsWith("acked ", StringComparison.Ordinal))
                {
                    acked.Add(int.Parse(line["acked ".Length..]));
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true); // SIGKILL: no dispose, no final checkpoint, no flush
            await process.WaitForExitAsync();
        }

        // Lines printed between our last read and the kill are acknowledgements too (still in the pipe).
        var rest = await process.StandardOutput.ReadToEndAsync();
        foreach (var line in rest.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("acked ", StringComparison.Ordinal))
            {
                acked.Add(int.Parse(line["acked ".Length..]));
            }
        }

        return acked;
    }
}
