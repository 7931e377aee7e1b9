using FastS3.Server;

namespace FastS3.Tests;

/// <summary>The server over the in-memory store.</summary>
public sealed class MemoryServerFixture : ServerFixture
{
    protected override ServerConfig Configure(ServerConfig config) => config with { StorageBackend = "memory" };
}
