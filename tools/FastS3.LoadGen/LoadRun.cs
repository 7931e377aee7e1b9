using System.Diagnostics;

namespace FastS3.LoadGen;

/// <summary>Prepare, warm up, measure, clean up. Returns the process exit code.</summary>
public static class LoadRun
{
    public static async Task<int> RunAsync(LoadOptions o)
    {
        var plan = new RunPlan(o);
        var log = Console.Error;
        await log.WriteLineAsync($"loadgen: {o.Mode.ToString().ToLowerInvariant()} against {o.Endpoint.HostHeader}, bucket {o.Bucket}, " +
            $"{plan.ObjectCount} objects of {o.Size}, concurrency {o.Concurrency}, {o.DurationSeconds} s" +
            (o.MaxOps == long.MaxValue ? "" : $" or {o.MaxOps} ops") + (o.Anonymous ? ", anonymous" : ", SigV4"));

        var raw = o.Mode == LoadMode.Raw;
        var createdBucket = !raw && await EnsureBucketAsync(plan);
        var workers = Enumerable.Range(0, o.Concurrency).Select(i => new Worker(plan, i)).ToArray();
        var exit = 0;
        try
        {
            if (o.Mode is LoadMode.Get or LoadMode.Stat or LoadMode.Delete or LoadMode.List or LoadMode.Mixed)
            {
                var sw = Stopwatch.StartNew();
                await Task.WhenAll(workers.Select(w => w.PrepareAsync()));
                await log.WriteLineAsync($"loadgen: prepared {plan.ObjectCount} objects in {sw.Elapsed.TotalSeconds:F1} s");
            }

            plan.BuildHeads();
            if (o.WarmupSeconds > 0 && o.Mode != LoadMode.Delete)
            {
                var warm = new RunControl(o.WarmupSeconds, long.MaxValue);
                Bind(workers, warm);
                await RunPhaseAsync(workers, warm, o.WarmupSeconds, measure: false, progress: false);
            }

            var control = new RunControl(o.DurationSeconds, o.MaxOps);
            Bind(workers, control);
            GC.Collect();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var gcBefore = GC.CollectionCount(0);
            var elapsed = await RunPhaseAsync(workers, control, o.DurationSeconds, measure: true, progress: true);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var gen0 = GC.CollectionCount(0) - gcBefore;

            var report = Report.Build(o, workers, elapsed, allocated, gen0);
            await Console.Out.WriteAsync(o.Json ? report.ToJson() : report.ToTable());
            exit = report.TotalErrors > 0 ? 1 : 0;
        }
        catch (IOException ex)
        {
            await log.WriteLineAsync("loadgen: " + ex.Message);
            exit = 1;
        }
        finally
        {
            if (o.Cleanup && !raw)
            {
                var failures = (await Task.WhenAll(workers.Select(w => w.CleanupAsync()))).Sum();
                if (createdBucket)
                {
                    using var c = new RawHttpConnection(o.Endpoint);
                    try
                    {
                        var r = await c.ExchangeAsync(plan.Builder.Build("DELETE", plan.BucketPath), default, false);
                        failures += r.Status is 200 or 204 ? 0 : 1;
                    }
                    catch (IOException)
                    {
                        failures++;
                    }
                }

                if (failures > 0)
                {
                    await log.WriteLineAsync($"loadgen: cleanup: {failures} deletes failed");
                }
            }

            foreach (var w in workers)
            {
                w.Dispose();
            }
        }

        return exit;
    }

    private static void Bind(Worker[] workers, RunControl control)
    {
        foreach (var w in workers)
        {
            w.Control = control;
        }
    }

    private static async Task<TimeSpan> RunPhaseAsync(Worker[] workers, RunControl control, double seconds, bool measure, bool progress)
    {
        var sw = Stopwatch.StartNew();
        var tasks = workers.Select(w => Task.Run(() => w.RunAsync(measure))).ToArray();
        var all = Task.WhenAll(tasks);
        using var progressCts = new CancellationTokenSource();
        var printer = progress ? Progress.RunAsync(workers, control, progressCts.Token) : Task.CompletedTask;

        // Watchdog: a server that stops answering must not hang the run. 15 s past the deadline
        // the connections are closed, which fails every pending receive.
        var limit = TimeSpan.FromSeconds(seconds + 15);
        if (await Task.WhenAny(all, Task.Delay(limit)) != all)
        {
            control.Stop();
            await Console.Error.WriteLineAsync("loadgen: watchdog: server stopped answering, closing connections");
            foreach (var w in workers)
            {
                w.Dispose();
            }
        }

        try
        {
            await all;
        }
        catch (ObjectDisposedException)
        {
        }

        var elapsed = sw.Elapsed;
        await progressCts.CancelAsync();
        await printer;
        return elapsed;
    }

    private static async Task<bool> EnsureBucketAsync(RunPlan plan)
    {
        using var c = new RawHttpConnection(plan.Options.Endpoint);
        var r = await c.ExchangeAsync(plan.Builder.Build("PUT", plan.BucketPath, "", 0), default, false, capture: true);
        if (r.Status == 200)
        {
            return true;
        }

        if (r.Status == 409 && c.CapturedBody.IndexOf("BucketAlreadyOwnedByYou"u8) >= 0)
        {
            return false;
        }

        throw new IOException($"cannot create bucket {plan.Options.Bucket}: HTTP {r.Status}: {System.Text.Encoding.UTF8.GetString(c.CapturedBody)}");
    }
}
