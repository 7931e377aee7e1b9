using FastS3.Auth;
using FastS3.Auth.Credentials;
using FastS3.Http;
using FastS3.S3;
using FastS3.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastS3.Server;

/// <summary>
/// The full S3 stack (anonymous access, memory store or any other) behind an
/// <see cref="InMemoryConnection"/>: the fixture shared by the hot-path benchmark and the
/// allocation-budget test, so both measure exactly the same path.
/// </summary>
public static class SocketlessFixture
{
    public static InMemoryConnection CreateWith4KiBObject(string bucket, string key) =>
        CreateWith4KiBObject(new MemoryObjectStore(), bucket, key);

    /// <summary>The same over <paramref name="store"/>, which the caller owns and disposes after the connection.</summary>
    public static InMemoryConnection CreateWith4KiBObject(IObjectStore store, string bucket, string key)
    {
        store.CreateBucketAsync(bucket, default).AsTask().GetAwaiter().GetResult();
        var writer = store.BeginPut(bucket, key).Value!;
        writer.WriteAsync(new byte[4096], default).AsTask().GetAwaiter().GetResult();
        writer.CommitAsync(new ObjectInfo { Key = key, Size = 4096, ETag = "\"08f5bde2b8d9e4e4a9d3a1e6e2c2d0f1\"", LastModified = DateTimeOffset.UtcNow }, WriteCondition.None, default).AsTask().GetAwaiter().GetResult();

        var authenticator = new RequestAuthenticator(new S3Authenticator(new CredentialStore([]), new S3AuthOptions { AllowAnonymous = true }), TimeProvider.System);
        var application = new S3Application(store, new S3Options(), authenticator, NullLogger.Instance);
        return new InMemoryConnection(application, new HttpLimits(), NullLogger.Instance);
    }
}
