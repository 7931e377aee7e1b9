using System.Text;

namespace FastS3.Auth.Credentials;

/// <summary>
/// The users the server accepts, loaded from a text file with one <c>access_key:secret_key</c>
/// per line; <c>#</c> starts a comment line, blank lines are ignored, surrounding whitespace is
/// trimmed. The secret is everything after the first ':'. Lookups take the access key as the
/// UTF-8 bytes found in the request and allocate nothing.
/// </summary>
public sealed class CredentialStore
{
    /// <summary>Longest accepted access key id. AWS documents 16..128 characters; longer ids are rejected before lookup.</summary>
    public const int MaxAccessKeyLength = 128;

    private readonly Dictionary<string, Credential> _byAccessKey;
    private readonly Dictionary<string, Credential>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public CredentialStore(IEnumerable<Credential> credentials)
    {
        _byAccessKey = new Dictionary<string, Credential>(StringComparer.Ordinal);
        foreach (var c in credentials)
        {
            if (!_byAccessKey.TryAdd(c.AccessKey, c))
            {
                throw new ArgumentException($"Duplicate access key '{c.AccessKey}'.", nameof(credentials));
            }
        }

        _lookup = _byAccessKey.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _byAccessKey.Count;

    public static CredentialStore Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses file content; <paramref name="sourceName"/> only labels error messages.</summary>
    public static CredentialStore Parse(string content, string sourceName = "credentials")
    {
        var list = new List<Credential>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var rawLine in content.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                throw new FormatException($"{sourceName}: line {lineNumber}: expected 'access_key:secret_key'.");
            }

            var key = line[..colon].Trim();
            var secret = line[(colon + 1)..].Trim();
            if (key.IsEmpty || secret.IsEmpty)
            {
                throw new FormatException($"{sourceName}: line {lineNumber}: access key and secret key must both be non-empty.");
            }

            if (key.Length > MaxAccessKeyLength || key.ContainsAnyExceptInRange('!', '~'))
            {
                throw new FormatException($"{sourceName}: line {lineNumber}: access key must be 1..{MaxAccessKeyLength} printable ASCII characters without spaces.");
            }

            var keyString = key.ToString();
            if (!seen.Add(keyString))
            {
                throw new FormatException($"{sourceName}: line {lineNumber}: duplicate access key '{keyString}'.");
            }

            list.Add(new Credential(keyString, secret.ToString()));
        }

        return new CredentialStore(list);
    }

    public bool TryGet(string accessKey, out Credential credential) =>
        _byAccessKey.TryGetValue(accessKey, out credential!);

    /// <summary>Looks up an access key given as the (ASCII) bytes from the request, without allocating.</summary>
    public bool TryGet(ReadOnlySpan<byte> accessKeyUtf8, out Credential credential)
    {
        credential = null!;
        if (accessKeyUtf8.IsEmpty || accessKeyUtf8.Length > MaxAccessKeyLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[MaxAccessKeyLength];
        if (Ascii.ToUtf16(accessKeyUtf8, chars, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        return _lookup.TryGetValue(chars[..written], out credential!);
    }
}
