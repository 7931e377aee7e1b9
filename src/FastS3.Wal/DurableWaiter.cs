using System.Threading.Tasks.Sources;

namespace FastS3.Wal;

/// <summary>
/// A pooled awaitable for one <see cref="WriteAheadLog.WaitDurableAsync"/> call, so waiting costs
/// no allocation in steady state. Continuations run asynchronously: the flusher thread must not
/// execute request code.
/// </summary>
internal sealed class DurableWaiter : IValueTaskSource<WalStatus>
{
    private readonly WriteAheadLog _owner;
    private ManualResetValueTaskSourceCore<WalStatus> _core;

    public DurableWaiter(WriteAheadLog owner)
    {
        _owner = owner;
        _core.RunContinuationsAsynchronously = true;
    }

    public ulong Lsn { get; set; }

    public short Version => _core.Version;

    public void Complete(WalStatus status) => _core.SetResult(status);

    public WalStatus GetResult(short token)
    {
        var result = _core.GetResult(token);
        _core.Reset();
        _owner.ReturnWaiter(this);
        return result;
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
