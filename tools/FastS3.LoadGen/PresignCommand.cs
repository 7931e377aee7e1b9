using System.Globalization;
using FastS3.Auth.SigV4;

namespace FastS3.LoadGen;

/// <summary>
/// <c>presign</c>: prints "path?query" of a SigV4 presigned URL (host-only signature,
/// UNSIGNED-PAYLOAD) for the wrk scripts, which send the same request over and over.
/// </summary>
public static class PresignCommand
{
    public static int Run(string[] args)
    {
        var endpoint = LoopbackEndpoint.Parse("127.0.0.1:9000");
        string accessKey = "fasts3admin", secretKey = "fasts3secret-change-me", region = "us-east-1";
        string method = "GET", path = "/";
        long expires = 3600;
        var full = false;
        for (var i = 1; i < args.Length; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"flag '{flag}' needs a value");
            switch (flag)
            {
                case "--endpoint": endpoint = LoopbackEndpoint.Parse(Value()); break;
                case "--access-key": accessKey = Value(); break;
                case "--secret-key": secretKey = Value(); break;
                case "--region": region = Value(); break;
                case "--method": method = Value().ToUpperInvariant(); break;
                case "--path": path = Value(); break;
                case "--expires": expires = long.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--url": full = true; break;
                default: throw new ArgumentException($"unknown flag '{flag}'");
            }
        }

        if (expires is < 1 or > 604800)
        {
            throw new ArgumentException("--expires: 1..604800 seconds (S3's 7-day limit)");
        }

        if (!path.StartsWith('/'))
        {
            throw new ArgumentException("--path must start with '/' (percent-encoded, e.g. /bucket/key)");
        }

        var signer = new SigV4Signer(accessKey, secretKey, region, "s3");
        var query = signer.Presign(method, path, "", endpoint.HostHeader, DateTimeOffset.UtcNow, expires);
        Console.WriteLine((full ? "http://" + endpoint.HostHeader : "") + path + "?" + query);
        return 0;
    }
}
