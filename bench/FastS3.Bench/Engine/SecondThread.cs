namespace FastS3.Bench.Engine;

/// <summary>
/// A parked worker thread for two-thread benchmarks (the machine has 2 cores): <see cref="Run"/>
/// starts the worker's share, does the caller's share on the calling thread, and waits for both.
/// The shares are delegates made once in setup, so an invocation allocates nothing.
/// </summary>
internal sealed class SecondThread : IDisposable
{
    private readonly SemaphoreSlim _start = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private readonly Thread _thread;
    private Action<int>? _share;
    private volatile bool _stopping;

    public SecondThread()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "bench second thread" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="share"/>(0) here and <paramref name="share"/>(1) on the worker, at the same time.</summary>
    public void Run(Action<int> share)
    {
        _share = share;
        _start.Release();
        share(0);
        _done.Wait();
    }

    public void Dispose()
    {
        _stopping = true;
        _start.Release();
        _thread.Join();
        _start.Dispose();
        _done.Dispose();
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            if (_stopping)
            {
                return;
            }

            _share!(1);
            _done.Release();
        }
    }
}
