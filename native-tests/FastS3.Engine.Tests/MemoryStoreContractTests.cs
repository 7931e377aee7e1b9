using FastS3.Storage;

namespace FastS3.Engine.Tests;

/// <summary>The contract against the reference semantics.</summary>
public sealed class MemoryStoreContractTests : StoreContractTests
{
    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new MemoryObjectStore());
}
