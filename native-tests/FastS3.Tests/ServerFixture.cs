using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using FastS3.Auth.Credentials;
using FastS3.Server;

namespace FastS3.Tests;

/// <summary>A real FastS3 server on an ephemeral loopback port, shared by a test class. The
/// concrete fixtures choose the storage backend, so every integration test runs against both.</summary>
public abstract class ServerFixture : IAsyncLifetime
{
    public const string AccessKey = "testkey";
    public const string SecretKey = "testsecret0123456789";

    private FastS3Host? _host;

    public FastS3Host Host => _host!;

    public Uri ServiceUrl => Host.ServiceUrl;

    protected abstract ServerConfig Configure(ServerConfig config);

    public virtual Task InitializeAsync()
    {
        var config = Configure(new ServerConfig { ListenAddress = new IPEndPoint(IPAddress.Loopback, 0), AuthFile = null });
        _host = FastS3Host.Start(config, new CredentialStore([new Credential(AccessKey, SecretKey), new Credential("otheruser", "othersecret")]));
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    public AmazonS3Client Client(Action<AmazonS3Config>? configure = null, string accessKey = AccessKey, string secretKey = SecretKey)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = ServiceUrl.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        };
        configure?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config);
    }

    public static string NewBucket() => "t-" + Guid.NewGuid().ToString("N")[..20];
}
