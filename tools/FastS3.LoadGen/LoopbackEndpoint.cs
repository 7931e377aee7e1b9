using System.Globalization;
using System.Net;

namespace FastS3.LoadGen;

/// <summary>
/// The target address. Only 127.0.0.1 and ::1 are accepted: this tool generates load, and load
/// on any other machine is not ours to generate.
/// </summary>
public sealed class LoopbackEndpoint
{
    private LoopbackEndpoint(IPEndPoint endPoint, string hostHeader)
    {
        EndPoint = endPoint;
        HostHeader = hostHeader;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The Host header value (and the host SigV4 signs): "127.0.0.1:9000" or "[::1]:9000".</summary>
    public string HostHeader { get; }

    /// <summary>Parses "http://127.0.0.1:9000", "127.0.0.1:9000", "[::1]:9000" or "localhost:9000".</summary>
    public static LoopbackEndpoint Parse(string text)
    {
        var s = text.Trim();
        if (s.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{text}': https is not supported (plain HTTP/1.1 on loopback only)");
        }

        if (s.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            s = s["http://".Length..];
        }

        s = s.TrimEnd('/');
        string hostPart;
        string portPart;
        if (s.StartsWith('['))
        {
            var close = s.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= s.Length || s[close + 1] != ':')
            {
                throw new ArgumentException($"'{text}': expected [::1]:port");
            }

            hostPart = s[1..close];
            portPart = s[(close + 2)..];
        }
        else
        {
            var colon = s.LastIndexOf(':');
            if (colon < 0)
            {
                throw new ArgumentException($"'{text}': expected host:port");
            }

            hostPart = s[..colon];
            portPart = s[(colon + 1)..];
        }

        if (!int.TryParse(portPart, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"'{text}': bad port '{portPart}'");
        }

        IPAddress address;
        if (hostPart.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(hostPart, out address!))
        {
            throw new ArgumentException($"'{text}': refusing '{hostPart}': only 127.0.0.1 and ::1 may be targeted (no name resolution)");
        }

        if (!address.Equals(IPAddress.Loopback) && !address.Equals(IPAddress.IPv6Loopback))
        {
            throw new ArgumentException($"'{text}': refusing {address}: this load generator only targets 127.0.0.1 or ::1");
        }

        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[::1]:{port.ToString(CultureInfo.InvariantCulture)}"
            : $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        return new LoopbackEndpoint(new IPEndPoint(address, port), host);
    }
}
