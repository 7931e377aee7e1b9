using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FastS3.LoadGen;

/// <summary>The merged result of a measured phase, as a table for people or JSON for scripts.</summary>
public sealed class Report
{
    private static readonly double[] _percentiles = [50, 90, 99, 99.9];

    private readonly LoadOptions _options;
    private readonly List<(OpKind Kind, OpStats Stats)> _rows;
    private readonly OpStats _total;
    private readonly TimeSpan _elapsed;
    private readonly long _allocated;
    private readonly int _gen0;
    private readonly int _connects;

    private Report(LoadOptions options, List<(OpKind, OpStats)> rows, OpStats total, TimeSpan elapsed, long allocated, int gen0, int connects)
    {
        _options = options;
        _rows = rows;
        _total = total;
        _elapsed = elapsed;
        _allocated = allocated;
        _gen0 = gen0;
        _connects = connects;
    }

    public long TotalErrors => _total.ErrorCount;

    public static Report Build(LoadOptions options, Worker[] workers, TimeSpan elapsed, long allocated, int gen0)
    {
        var rows = new List<(OpKind, OpStats)>();
        var total = new OpStats();
        for (var k = 0; k < OpNames.Count; k++)
        {
            OpStats? merged = null;
            foreach (var w in workers)
            {
                if (w.Stats[k] is { } s)
                {
                    (merged ??= new OpStats()).Add(s);
                }
            }

            if (merged is not null)
            {
                rows.Add(((OpKind)k, merged));
                total.Add(merged);
            }
        }

        return new Report(options, rows, total, elapsed, allocated, gen0, workers.Sum(w => w.Connects));
    }

    public string ToTable()
    {
        var seconds = _elapsed.TotalSeconds;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"mode {_options.Mode.ToString().ToLowerInvariant()}, size {_options.Size}, concurrency {_options.Concurrency}, {seconds:F2} s, {_connects} connections opened");
        sb.AppendLine(inv, $"{"op",-13}{"ops",10}{"ops/s",11}{"MB/s",9}{"p50 ms",9}{"p90 ms",9}{"p99 ms",9}{"p99.9 ms",10}{"max ms",9}{"errors",8}");
        foreach (var (kind, s) in _rows)
        {
            Row(OpNames.Name(kind), s);
        }

        if (_rows.Count > 1)
        {
            Row("TOTAL", _total);
        }

        foreach (var (kind, s) in _rows)
        {
            foreach (var (status, count) in s.Errors)
            {
                sb.AppendLine(inv, $"errors: {OpNames.Name(kind)} {(status == 0 ? "connection" : "HTTP " + status.ToString(inv))}: {count}");
            }
        }

        var ops = _total.Ok + _total.ErrorCount;
        sb.AppendLine(inv, $"generator: {_allocated} B allocated in the measured phase ({(ops == 0 ? 0 : (double)_allocated / ops):F2} B/op, whole process), {_gen0} gen0 GCs");
        return sb.ToString();

        void Row(string name, OpStats s)
        {
            var h = s.Latency;
            sb.AppendLine(inv, $"{name,-13}{s.Ok,10}{s.Ok / seconds,11:F0}{s.Bytes / seconds / 1e6,9:F1}{Ms(h.Percentile(50)),9:F3}{Ms(h.Percentile(90)),9:F3}{Ms(h.Percentile(99)),9:F3}{Ms(h.Percentile(99.9)),10:F3}{Ms(h.MaxNanos),9:F3}{s.ErrorCount,8}");
        }
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            var seconds = _elapsed.TotalSeconds;
            w.WriteStartObject();
            w.WriteString("mode", _options.Mode.ToString().ToLowerInvariant());
            w.WriteString("endpoint", _options.Endpoint.HostHeader);
            w.WriteString("size", _options.Size.ToString());
            w.WriteNumber("concurrency", _options.Concurrency);
            w.WriteNumber("seconds", Math.Round(seconds, 3));
            w.WriteNumber("connections_opened", _connects);
            w.WriteNumber("allocated_bytes", _allocated);
            w.WriteNumber("gen0_collections", _gen0);
            w.WriteStartObject("ops");
            foreach (var (kind, s) in _rows)
            {
                Op(OpNames.Name(kind), s);
            }

            Op("TOTAL", _total);
            w.WriteEndObject();
            w.WriteNumber("errors", _total.ErrorCount);
            w.WriteEndObject();

            void Op(string name, OpStats s)
            {
                var h = s.Latency;
                w.WriteStartObject(name);
                w.WriteNumber("ok", s.Ok);
                w.WriteNumber("ops_per_sec", Math.Round(s.Ok / seconds, 1));
                w.WriteNumber("mb_per_sec", Math.Round(s.Bytes / seconds / 1e6, 2));
                w.WriteNumber("bytes", s.Bytes);
                foreach (var p in _percentiles)
                {
                    w.WriteNumber("p" + p.ToString(CultureInfo.InvariantCulture) + "_ms", Math.Round(Ms(h.Percentile(p)), 4));
                }

                w.WriteNumber("max_ms", Math.Round(Ms(h.MaxNanos), 4));
                w.WriteNumber("errors", s.ErrorCount);
                w.WriteStartObject("errors_by_status");
                foreach (var (status, count) in s.Errors)
                {
                    w.WriteNumber(status.ToString(CultureInfo.InvariantCulture), count);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    private static double Ms(long nanos) => nanos / 1e6;
}
