using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FastS3.LoadGen;

/// <summary>
/// One connection and the loop that drives it. Counters are the worker's own (no sharing while it
/// runs); the progress line reads <see cref="Completed"/> and <see cref="BytesDone"/>, which only
/// this worker writes.
/// </summary>
public sealed class Worker : IDisposable
{
    private static readonly double _nanosPerTick = 1e9 / Stopwatch.Frequency;

    private readonly RunPlan _plan;
    private readonly RawHttpConnection _connection;
    private readonly KeySet _keys;
    private readonly int[] _owned;
    private readonly Random _random;
    private readonly OpStats?[] _stats = new OpStats?[OpNames.Count];
    private long _completed;
    private long _bytesDone;
    private int _cursor;

    public Worker(RunPlan plan, int index)
    {
        _plan = plan;
        _connection = new RawHttpConnection(plan.Options.Endpoint);
        _owned = plan.OwnedKeys(index, plan.Options.Concurrency);
        _keys = new KeySet(_owned);
        _random = new Random(index + 1);
    }

    /// <summary>The phase this worker runs in (prepare, warm-up, measure); set between phases, the connection stays open.</summary>
    public RunControl Control { get; set; } = new(0, 1);

    public long Completed => Volatile.Read(ref _completed);

    public long BytesDone => Volatile.Read(ref _bytesDone);

    public int Connects => _connection.Connects;

    public IReadOnlyList<OpStats?> Stats => _stats;

    public void Dispose() => _connection.Dispose();

    /// <summary>Uploads this worker's share of the objects (not measured).</summary>
    public async Task PrepareAsync()
    {
        foreach (var key in _owned)
        {
            var head = _plan.Builder.Build("PUT", _plan.Paths[key], "", _plan.Sizes[key]);
            var r = await _connection.ExchangeAsync(head, _plan.Body.AsMemory(0, (int)_plan.Sizes[key]), false);
            if (r.Status != 200)
            {
                throw new IOException($"preparing {_plan.Keys[key]}: HTTP {r.Status}");
            }

            _keys.MarkPresent(key);
        }
    }

    /// <summary>Deletes this worker's share (404 is fine: the delete workload removed them already).</summary>
    public async Task<int> CleanupAsync()
    {
        var failures = 0;
        foreach (var key in _owned)
        {
            try
            {
                var r = await _connection.ExchangeAsync(_plan.Builder.Build("DELETE", _plan.Paths[key]), default, false);
                if (r.Status is not (200 or 204 or 404))
                {
                    failures++;
                }
            }
            catch (IOException)
            {
                failures++;
            }
        }

        return failures;
    }

    /// <summary>Runs the workload until the control says stop. With <paramref name="measure"/> false nothing is recorded (warm-up).</summary>
    public async Task RunAsync(bool measure)
    {
        var mode = _plan.Options.Mode;
        while (Control.TryStartOp())
        {
            var kind = mode switch
            {
                LoadMode.Put => OpKind.Put,
                LoadMode.Get or LoadMode.Raw => OpKind.Get,
                LoadMode.Stat => OpKind.Head,
                LoadMode.Delete => OpKind.Delete,
                LoadMode.List => OpKind.List,
                LoadMode.Multipart => OpKind.MultipartInit,
                _ => PickMixed(),
            };
            if (kind == OpKind.Delete && mode == LoadMode.Delete && _keys.PresentCount == 0)
            {
                return;
            }

            if (kind == OpKind.MultipartInit)
            {
                await MultipartAsync(measure);
                continue;
            }

            var key = PickKey(kind, mode);
            var (head, body, expected) = kind switch
            {
                OpKind.Get => (_plan.GetHeads[key], ReadOnlyMemory<byte>.Empty, 200),
                OpKind.Head => (_plan.HeadHeads[key], ReadOnlyMemory<byte>.Empty, 200),
                OpKind.Put => (_plan.PutHeads[key], _plan.Body.AsMemory(0, (int)_plan.Sizes[key]), 200),
                OpKind.Delete => (_plan.DeleteHeads[key], ReadOnlyMemory<byte>.Empty, 204),
                _ => (_plan.ListHead, ReadOnlyMemory<byte>.Empty, 200),
            };
            var start = Stopwatch.GetTimestamp();
            int status;
            long bytes;
            try
            {
                var r = await _connection.ExchangeAsync(head, body, kind == OpKind.Head);
                status = r.Status;
                bytes = kind == OpKind.Put ? body.Length : r.BodyBytes;
            }
            catch (IOException)
            {
                status = 0;
                bytes = 0;
            }

            var nanos = (long)((Stopwatch.GetTimestamp() - start) * _nanosPerTick);
            var ok = status == expected || (kind == OpKind.Delete && status == 200);
            if (ok)
            {
                if (kind == OpKind.Put)
                {
                    _keys.MarkPresent(key);
                }
                else if (kind == OpKind.Delete)
                {
                    _keys.MarkAbsent(key);
                }
            }

            Record(measure, kind, nanos, ok, status, bytes);
            if (status == 0)
            {
                await BackOffAsync();
            }
        }
    }

    private OpKind PickMixed()
    {
        // 45% GET, 30% HEAD, 15% PUT, 10% DELETE (warp's mixed distribution).
        var r = _random.Next(100);
        var kind = r < 45 ? OpKind.Get : r < 75 ? OpKind.Head : r < 90 ? OpKind.Put : OpKind.Delete;
        return kind != OpKind.Put && _keys.PresentCount == 0 ? OpKind.Put : kind;
    }

    private int PickKey(OpKind kind, LoadMode mode)
    {
        switch (mode)
        {
            case LoadMode.Get or LoadMode.Stat:
                return _random.Next(_plan.ObjectCount);
            case LoadMode.Put:
                return _owned[_cursor++ % _owned.Length];
            case LoadMode.Delete:
                return _keys.PresentAt(0);
            case LoadMode.List or LoadMode.Raw:
                return 0;
            default:
                if (kind == OpKind.Put)
                {
                    return _keys.AbsentCount > 0 ? _keys.RandomAbsent(_random) : _keys.RandomPresent(_random);
                }

                return _keys.RandomPresent(_random);
        }
    }

    private async Task MultipartAsync(bool measure)
    {
        var o = _plan.Options;
        var key = _owned[_cursor++ % _owned.Length];
        var path = _plan.Paths[key];
        var builder = _plan.Builder;
        var start = Stopwatch.GetTimestamp();
        var (status, _) = await TryExchange(builder.Build("POST", path, "uploads="), default, capture: true);
        var uploadId = status == 200 ? ExtractXml(_connection.CapturedBody, "UploadId") : null;
        Record(measure, OpKind.MultipartInit, Since(start), uploadId is not null, status, 0);
        if (uploadId is null)
        {
            await BackOffAsync();
            return;
        }

        var encodedId = Uri.EscapeDataString(uploadId);
        var complete = new StringBuilder("<CompleteMultipartUpload>");
        for (var part = 1; part <= o.Parts; part++)
        {
            var query = $"partNumber={part.ToString(CultureInfo.InvariantCulture)}&uploadId={encodedId}";
            start = Stopwatch.GetTimestamp();
            (status, _) = await TryExchange(builder.Build("PUT", path, query, o.PartSize), _plan.Body.AsMemory(0, (int)o.PartSize), capture: true);
            var ok = status == 200 && _connection.CapturedETag.Length > 0;
            Record(measure, OpKind.MultipartPart, Since(start), ok, status, o.PartSize);
            if (!ok)
            {
                return;
            }

            complete.Append("<Part><PartNumber>").Append(part).Append("</PartNumber><ETag>")
                .Append(Encoding.ASCII.GetString(_connection.CapturedETag).Replace("\"", "&quot;", StringComparison.Ordinal))
                .Append("</ETag></Part>");
        }

        var xml = Encoding.UTF8.GetBytes(complete.Append("</CompleteMultipartUpload>").ToString());
        start = Stopwatch.GetTimestamp();
        (status, _) = await TryExchange(builder.Build("POST", path, "uploadId=" + encodedId, xml.Length), xml, capture: true);
        var completed = status == 200 && _connection.CapturedBody.IndexOf("<Error>"u8) < 0;
        Record(measure, OpKind.MultipartComplete, Since(start), completed, completed ? 200 : status == 200 ? 599 : status, 0);
    }

    private async Task<HttpResult> TryExchange(byte[] head, ReadOnlyMemory<byte> body, bool capture)
    {
        try
        {
            return await _connection.ExchangeAsync(head, body, false, capture);
        }
        catch (IOException)
        {
            return new HttpResult(0, 0);
        }
    }

    private static string? ExtractXml(ReadOnlySpan<byte> xml, string element)
    {
        var text = Encoding.UTF8.GetString(xml);
        var open = text.IndexOf("<" + element + ">", StringComparison.Ordinal);
        var close = text.IndexOf("</" + element + ">", StringComparison.Ordinal);
        return open < 0 || close < open ? null : text[(open + element.Length + 2)..close];
    }

    private static long Since(long start) => (long)((Stopwatch.GetTimestamp() - start) * _nanosPerTick);

    private void Record(bool measure, OpKind kind, long nanos, bool ok, int status, long bytes)
    {
        Volatile.Write(ref _completed, _completed + 1);
        if (ok)
        {
            Volatile.Write(ref _bytesDone, _bytesDone + bytes);
        }

        if (!measure)
        {
            return;
        }

        var stats = _stats[(int)kind] ??= new OpStats();
        if (ok)
        {
            stats.RecordOk(nanos, bytes);
        }
        else
        {
            stats.RecordError(nanos, status);
            Control.NoteError();
        }
    }

    private async Task BackOffAsync()
    {
        // A refused or reset connection fails in microseconds; 10 ms keeps a dead server from
        // turning the run into a connect storm.
        if (!Control.Stopping)
        {
            await Task.Delay(10);
        }
    }
}
