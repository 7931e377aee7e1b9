using FastS3.Engine;
using FastS3.Storage;

namespace FastS3.Bench.Engine;

/// <summary>What the engine measurement commands share: a throw-away data folder and a checked PUT.</summary>
internal static class EngineBench
{
    /// <summary>
    /// Parses <c>--name value</c> pairs: each known name's action takes the value; an unknown
    /// name is reported and parsing fails (the command then exits with 2).
    /// </summary>
    public static bool ParseOptions(string[] args, IReadOnlyDictionary<string, Action<string>> options)
    {
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!options.TryGetValue(args[i], out var take))
            {
                Console.Error.WriteLine($"unknown option {args[i]}");
                return false;
            }

            take(args[i + 1]);
        }

        return true;
    }

    /// <summary>Runs <paramref name="measure"/> on a new folder under <paramref name="root"/>, deleted afterwards.</summary>
    public static void InTempFolder(string root, string name, Func<string, Task> measure)
    {
        var directory = Path.Combine(root, $"fasts3-{name}-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            measure(directory).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Streams <paramref name="body"/> to bucket "b" and commits; any failure throws (a measurement must not count failed writes).</summary>
    public static async Task PutAsync(EngineObjectStore store, string key, byte[] body)
    {
        var writer = store.BeginPut("b", key).Value!;
        await using (writer)
        {
            if (!(await writer.WriteAsync(body, CancellationToken.None)).IsSuccess)
            {
                throw new IOException($"write of {key} failed");
            }

            var info = new ObjectInfo { Key = key, Size = body.Length, ETag = "\"bench\"", LastModified = DateTimeOffset.UtcNow };
            var committed = await writer.CommitAsync(info, default, CancellationToken.None);
            if (!committed.IsSuccess)
            {
                throw new IOException($"commit of {key} failed: {committed.Error}");
            }
        }
    }
}
