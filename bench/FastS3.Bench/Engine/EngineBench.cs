using FastS3.Engine;
using FastS3.Storage;

namespace FastS3.Bench.Engine;

/// <summary>What the engine measurement commands share: a throw-away data folder and a checked PUT.</summary>
internal static class EngineBench
{
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
