using System.Reflection;

namespace FastS3.Tests;

/// <summary>
/// The layering of DESIGN.md, enforced: each assembly may reference only the FastS3 assemblies
/// below it. C# does not stop an upward reference; this test does.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["FastS3.Common"] = [],
        ["FastS3.Http"] = ["FastS3.Common"],
        ["FastS3.Auth"] = ["FastS3.Common"],
        ["FastS3.Storage"] = ["FastS3.Common"],
        ["FastS3.Erasure"] = ["FastS3.Common"],
        ["FastS3.Wal"] = ["FastS3.Common"],
        ["FastS3.Engine"] = ["FastS3.Common", "FastS3.Storage", "FastS3.Wal", "FastS3.Erasure", "FastS3.Segments"],
        ["FastS3.Segments"] = ["FastS3.Common", "FastS3.Wal", "FastS3.Erasure"],
        ["FastS3.S3"] = ["FastS3.Common", "FastS3.Http", "FastS3.Auth", "FastS3.Storage"],
        ["fasts3"] = ["FastS3.Common", "FastS3.Http", "FastS3.Auth", "FastS3.Storage", "FastS3.S3", "FastS3.Engine", "FastS3.Wal", "FastS3.Erasure", "FastS3.Segments"],
    };

    public static TheoryData<string> Assemblies() =>
    [
        typeof(FastS3.Common.Errors.S3ErrorCode).Assembly.GetName().Name!,
        typeof(FastS3.Http.HttpServer).Assembly.GetName().Name!,
        typeof(FastS3.Auth.S3Authenticator).Assembly.GetName().Name!,
        typeof(FastS3.Storage.IObjectStore).Assembly.GetName().Name!,
        typeof(FastS3.Erasure.ReedSolomon).Assembly.GetName().Name!,
        typeof(FastS3.Wal.WriteAheadLog).Assembly.GetName().Name!,
        typeof(FastS3.Segments.ErasureSegmentStore).Assembly.GetName().Name!,
        typeof(FastS3.S3.S3Application).Assembly.GetName().Name!,
        typeof(FastS3.Server.FastS3Host).Assembly.GetName().Name!,
    ];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void References_point_down_the_layers_only(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        Assert.True(Allowed.TryGetValue(assemblyName, out var allowed), $"{assemblyName} has no row in the layering table.");
        var internalRefs = assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("FastS3.", StringComparison.Ordinal) || n == "fasts3");
        foreach (var reference in internalRefs)
        {
            Assert.True(allowed.Contains(reference), $"{assemblyName} must not reference {reference}.");
        }
    }

    [Fact]
    public void The_http_layer_knows_nothing_of_s3_or_storage()
    {
        var refs = typeof(FastS3.Http.HttpServer).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        Assert.DoesNotContain("FastS3.S3", refs);
        Assert.DoesNotContain("FastS3.Storage", refs);
        Assert.DoesNotContain("FastS3.Auth", refs);
    }
}
