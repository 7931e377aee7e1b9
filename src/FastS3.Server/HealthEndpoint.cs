using System.Buffers;
using System.Text.Json;
using FastS3.Http;

namespace FastS3.Server;

/// <summary>
/// <c>GET /_health</c> in front of the S3 application: 200 with a small JSON body while every
/// object can be served (status "ok", or "degraded" when the erasure-coded store reads from parity
/// or rebuilds a directory), with the rebuild's bytes, percent and ETA. Unauthenticated, like a
/// load balancer's probe. "_health" can never be a bucket (S3 bucket names have no underscore), so
/// the path cannot shadow S3; every other request goes straight to the inner application.
/// </summary>
public sealed class HealthEndpoint(IHttpApplication inner, Func<ErasureHealth?> erasure) : IHttpApplication
{
    /// <inheritdoc />
    public ValueTask ProcessRequestAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.KnownMethod != RequestMethod.Get || !request.Path.SequenceEqual("/_health"u8))
        {
            return inner.ProcessRequestAsync(context);
        }

        var body = Render(erasure());
        var response = context.Response;
        response.Start(200);
        response.Header("Content-Type"u8, "application/json"u8);
        response.Header("Cache-Control"u8, "no-store"u8);
        response.EndHeaders(body.WrittenCount);
        response.WriteBody(body.WrittenSpan);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void WriteRejection(HttpResponse response, BadHttpRequestException rejection) => inner.WriteRejection(response, rejection);

    /// <summary>The JSON body for <paramref name="health"/> (null: erasure coding is off).</summary>
    public static ArrayBufferWriter<byte> Render(ErasureHealth? health)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartObject();
        json.WriteString("status", health is { Degraded: true } ? "degraded" : "ok");
        if (health is not null)
        {
            json.WriteStartObject("erasure");
            json.WriteBoolean("degraded", health.Degraded);
            json.WriteStartArray("unavailable_directories");
            foreach (var directory in health.UnavailableDirectories)
            {
                json.WriteNumberValue(directory);
            }

            json.WriteEndArray();
            json.WriteBoolean("rebuilding", health.Rebuilding);
            json.WriteBoolean("startup_repair_done", health.StartupRepairDone);
            json.WriteNumber("segments_healed", health.SegmentsHealed);
            json.WriteNumber("bytes_rewritten", health.BytesWritten);
            json.WriteNumber("pending_damage", health.PendingDamage);
            if (health.Rebuild is { } rebuild)
            {
                json.WriteStartObject("rebuild");
                json.WriteNumber("directory", rebuild.DirectoryIndex);
                json.WriteNumber("segments_done", rebuild.SegmentsDone);
                json.WriteNumber("segments_total", rebuild.SegmentsTotal);
                json.WriteNumber("bytes_done", rebuild.BytesDone);
                json.WriteNumber("bytes_total", rebuild.BytesTotal);
                json.WriteNumber("percent", Math.Round(rebuild.Percent, 1));
                if (rebuild.Eta is { } eta)
                {
                    json.WriteNumber("eta_seconds", Math.Round(eta.TotalSeconds, 1));
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.Flush();
        return buffer;
    }
}
