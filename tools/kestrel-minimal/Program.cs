using System.Net;
using Microsoft.Extensions.Logging;

namespace KestrelMinimal;

/// <summary>
/// The race's Kestrel bar: serves every file of a folder from memory at "/name", nothing else
/// (no routing, no logging, no static-file middleware), so it measures Kestrel's transport and
/// HTTP/1.1 cost. Usage: kestrel-minimal &lt;port&gt; &lt;folder&gt;. Listens on 127.0.0.1 only.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[0], out var port))
        {
            Console.Error.WriteLine("usage: kestrel-minimal <port> <folder>");
            Environment.Exit(2);
            return;
        }

        var files = Directory.GetFiles(args[1]).ToDictionary(f => "/" + Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        app.Run(ctx =>
        {
            if (!files.TryGetValue(ctx.Request.Path.Value ?? "", out var body))
            {
                ctx.Response.StatusCode = 404;
                return Task.CompletedTask;
            }

            ctx.Response.ContentLength = body.Length;
            ctx.Response.ContentType = "application/octet-stream";
            return HttpMethods.IsHead(ctx.Request.Method) ? Task.CompletedTask : ctx.Response.Body.WriteAsync(body).AsTask();
        });
        Console.WriteLine($"kestrel-minimal listening on 127.0.0.1:{port}, {files.Count} files");
        app.Run();
    }
}
