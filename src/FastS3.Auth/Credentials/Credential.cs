using System.Text;

namespace FastS3.Auth.Credentials;

/// <summary>One user: an access key id and its secret. Identity is by reference (one instance per loaded line).</summary>
public sealed class Credential
{
    public Credential(string accessKey, string secretKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        ArgumentException.ThrowIfNullOrEmpty(secretKey);
        AccessKey = accessKey;
        SecretKeyUtf8 = Encoding.UTF8.GetBytes(secretKey);
        Aws4SecretUtf8 = Encoding.UTF8.GetBytes("AWS4" + secretKey);
    }

    public string AccessKey { get; }

    /// <summary>The secret as UTF-8 bytes (the SigV2 HMAC key; compared in constant time by simple header auth).</summary>
    internal byte[] SecretKeyUtf8 { get; }

    /// <summary>"AWS4" + secret, the first HMAC key of the SigV4 signing-key chain.</summary>
    internal byte[] Aws4SecretUtf8 { get; }

    public override string ToString() => AccessKey;
}
