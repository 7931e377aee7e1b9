using System.Diagnostics;

namespace FastS3.LoadGen;

/// <summary>One line per second on stderr: the last second's ops/s and MB/s, and the error count.</summary>
public static class Progress
{
    public static async Task RunAsync(Worker[] workers, RunControl control, CancellationToken token)
    {
        var sw = Stopwatch.StartNew();
        long lastOps = workers.Sum(w => w.Completed), lastBytes = workers.Sum(w => w.BytesDone);
        var lastTime = TimeSpan.Zero;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(token))
            {
                long ops = 0, bytes = 0;
                foreach (var w in workers)
                {
                    ops += w.Completed;
                    bytes += w.BytesDone;
                }

                var now = sw.Elapsed;
                var dt = (now - lastTime).TotalSeconds;
                await Console.Error.WriteLineAsync(
                    $"[{now.TotalSeconds,5:F0} s] {(ops - lastOps) / dt,10:N0} ops/s {(bytes - lastBytes) / dt / 1e6,9:F1} MB/s  errors {control.Errors}");
                (lastOps, lastBytes, lastTime) = (ops, bytes, now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
