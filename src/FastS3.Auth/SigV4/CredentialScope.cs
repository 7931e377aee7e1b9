using System.Runtime.InteropServices;

namespace FastS3.Auth.SigV4;

/// <summary>
/// A parsed <c>Credential=</c> value: <c>&lt;access key&gt;/&lt;yyyyMMdd&gt;/&lt;region&gt;/&lt;service&gt;/aws4_request</c>.
/// Slices of the caller's bytes; <see cref="Scope"/> is everything after the access key, as signed.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly ref struct CredentialScope
{
    public ReadOnlySpan<byte> AccessKey { get; init; }

    public ReadOnlySpan<byte> Date { get; init; }

    public ReadOnlySpan<byte> Region { get; init; }

    public ReadOnlySpan<byte> Service { get; init; }

    public ReadOnlySpan<byte> Terminal { get; init; }

    public ReadOnlySpan<byte> Scope { get; init; }

    /// <summary>Splits from the right so an access key could contain '/'.</summary>
    public static bool TryParse(ReadOnlySpan<byte> value, out CredentialScope scope)
    {
        scope = default;
        var s4 = value.LastIndexOf((byte)'/');
        if (s4 <= 0)
        {
            return false;
        }

        var s3 = value[..s4].LastIndexOf((byte)'/');
        if (s3 <= 0)
        {
            return false;
        }

        var s2 = value[..s3].LastIndexOf((byte)'/');
        if (s2 <= 0)
        {
            return false;
        }

        var s1 = value[..s2].LastIndexOf((byte)'/');
        if (s1 <= 0)
        {
            return false;
        }

        scope = new CredentialScope
        {
            AccessKey = value[..s1],
            Date = value[(s1 + 1)..s2],
            Region = value[(s2 + 1)..s3],
            Service = value[(s3 + 1)..s4],
            Terminal = value[(s4 + 1)..],
            Scope = value[(s1 + 1)..],
        };
        return scope.Date.Length == 8 && !scope.Region.IsEmpty;
    }

    public int DateAsInt()
    {
        var v = 0;
        foreach (var c in Date)
        {
            v = (v * 10) + (c - '0');
        }

        return v;
    }
}
