using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace FastS3.Http.Tests;

/// <summary>One header line as generated: name, value, and the optional whitespace around the value.</summary>
public sealed record HeaderSpec(string Name, string Value, string LeadingOws, string TrailingOws);

/// <summary>A valid HTTP/1.1 request head (plus a body that must not disturb it) and what parsing it must give.</summary>
public sealed record RequestSpec(string Method, string Path, string? Query, HeaderSpec[] Headers, int HostAt, string HostValue, long? ContentLength, int ContentLengthAt, byte[] Body)
{
    public IEnumerable<HeaderSpec> AllHeaders()
    {
        var list = Headers.ToList();
        list.Insert(Math.Min(HostAt, list.Count), new HeaderSpec("Host", HostValue, " ", ""));
        if (ContentLength is { } length)
        {
            list.Insert(Math.Min(ContentLengthAt, list.Count), new HeaderSpec("Content-Length", length.ToString(CultureInfo.InvariantCulture), " ", ""));
        }

        return list;
    }

    public string HeadText()
    {
        var sb = new StringBuilder();
        sb.Append(Method).Append(' ').Append(Path);
        if (Query is not null)
        {
            sb.Append('?').Append(Query);
        }

        sb.Append(" HTTP/1.1\r\n");
        foreach (var h in AllHeaders())
        {
            sb.Append(h.Name).Append(':').Append(h.LeadingOws).Append(h.Value).Append(h.TrailingOws).Append("\r\n");
        }

        return sb.Append("\r\n").ToString();
    }

    public byte[] Serialize() => [.. Heads.Bytes(HeadText()), .. Body];

    public string ExpectedHeaders() => string.Concat(AllHeaders().Select(h => h.Name + ": " + h.Value + "\n"));

    public override string ToString() => HeadText().Replace("\r\n", "\\r\\n\n", StringComparison.Ordinal);
}

/// <summary>FsCheck generators for requests, request-like garbage and chunked bodies.</summary>
public static class HttpArbitraries
{
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string PathChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@%/";

    private static readonly string[] Methods = ["GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH", "PROPFIND", "M-SEARCH", "X~!#", "GETS", "HEAP"];

    private static Gen<string> StringOf(string alphabet, int min, int max) =>
        from length in Gen.Choose(min, max)
        from chars in Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), length)
        select new string(chars);

    /// <summary>Visible ASCII with spaces and tabs inside, never at either end (those are OWS).</summary>
    private static readonly Gen<string> Values =
        from length in Gen.Choose(0, 40)
        from chars in Gen.ArrayOf(Gen.Frequency((12, Gen.Choose(0x21, 0x7E).Select(c => (char)c)), (1, Gen.Elements(' ', '\t'))), length)
        select new string(chars).Trim(' ', '\t');

    private static readonly Gen<string> Ows = Gen.Elements("", " ", "\t", "  ", " \t ");

    private static readonly Gen<HeaderSpec> HeaderSpecs =
        from name in StringOf(TokenChars, 1, 20)
        from value in Values
        from leading in Ows
        from trailing in Ows
        select new HeaderSpec("x-" + name, value, leading, trailing);

    private static readonly Gen<long?> ContentLengths = Gen.Frequency(
        (3, Gen.Constant<long?>(null)),
        (3, Gen.Choose(0, 100_000).Select(n => (long?)n)),
        (1, Gen.Choose(0, int.MaxValue).Select(n => (long?)((long)n * 4_294_967_296L + n))));

    private static readonly Gen<RequestSpec> Requests =
        from method in Gen.Elements(Methods)
        from path in StringOf(PathChars, 0, 60)
        from query in Gen.Frequency((1, Gen.Constant<string?>(null)), (2, StringOf(PathChars + "?", 0, 80).Select(q => (string?)q)))
        from count in Gen.Choose(0, 30)
        from headers in Gen.ArrayOf(HeaderSpecs, count)
        from hostAt in Gen.Choose(0, count)
        from host in StringOf("abcdefghijklmnopqrstuvwxyz0123456789.-:", 1, 30)
        from contentLength in ContentLengths
        from contentLengthAt in Gen.Choose(0, count + 1)
        from body in Gen.Frequency((3, Gen.Constant(Array.Empty<byte>())), (1, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 20)))
        select new RequestSpec(method, "/" + path, query, headers, hostAt, host, contentLength, contentLengthAt, body);

    public static Arbitrary<RequestSpec> RequestSpecs() => Requests.ToArbitrary();

    private static readonly string[] Vocabulary =
    [
        "GET", "PUT", " ", "  ", "/", "/a", "?", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/", "\r\n", "\r\n", "\r\n", "\r\n\r\n", "\n", "\r", ":", ": ",
        "Host", "Host: h", "Content-Length", "Content-Length: 5", "Content-Length: x", "Transfer-Encoding: chunked",
        "Transfer-Encoding: gzip", "Expect: 100-continue", "Connection: close", "\t", "\0", "\u007F", "\u00FF", "http://", "a", "0", "9",
    ];

    private static readonly Gen<byte[]> Soup =
        from parts in Gen.ListOf(Gen.Elements(Vocabulary)).Resize(60)
        select Heads.Bytes(string.Concat(parts));

    private static readonly Gen<byte[]> MutatedRequests =
        from spec in Requests
        from mutations in Gen.ListOf(Gen.Three(Gen.Choose(0, int.MaxValue))).Resize(5)
        select Mutate(spec.Serialize(), mutations);

    private static byte[] Mutate(byte[] input, IEnumerable<(int, int, int)> mutations)
    {
        var bytes = input.ToList();
        foreach (var (kind, where, what) in mutations)
        {
            var at = bytes.Count == 0 ? 0 : where % bytes.Count;
            switch (kind % 3)
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = (byte)what;
                    break;
                case 1:
                    bytes.InsertRange(at, Heads.Bytes(Vocabulary[what % Vocabulary.Length]));
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + (what % 8)));
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Anything from raw bytes to near-misses of valid requests.</summary>
    public static Arbitrary<byte[]> Junk() => Gen.Frequency(
        (1, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))),
        (2, Soup),
        (3, MutatedRequests)).ToArbitrary();
}
