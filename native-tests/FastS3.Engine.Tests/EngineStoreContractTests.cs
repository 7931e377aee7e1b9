using FastS3.Storage;

namespace FastS3.Engine.Tests;

/// <summary>The contract against the engine on real files (64 KiB segments, fsync durability).</summary>
public sealed class EngineStoreContractTests : StoreContractTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fasts3-engine-" + Guid.NewGuid().ToString("N"));

    protected override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(EngineObjectStore.Open(_root, EngineTestSupport.Options(chunkBytes: 16 << 10)));

    protected override void Cleanup() => Directory.Delete(_root, recursive: true);
}
