using FastS3.Server;

namespace FastS3.Tests;

/// <summary>The server over the persistent engine (fsync durability) in a temporary folder.</summary>
public sealed class EngineServerFixture : ServerFixture
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fasts3-engine-" + Guid.NewGuid().ToString("N"));

    protected override ServerConfig Configure(ServerConfig config) => config with { StorageBackend = "engine", StorageRoot = _root };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
