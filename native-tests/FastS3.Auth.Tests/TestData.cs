namespace FastS3.Auth.Tests;

/// <summary>Locates the linked test data (copied next to the test assembly).</summary>
internal static class TestData
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "data");

    public static string Corpus(string file) => Path.Combine(Root, "corpus", file);

    public static string Vectors(string relative) => Path.Combine(Root, "vectors", relative);

    public static byte[] Bytes(string path) => File.ReadAllBytes(path);

    public static IEnumerable<string> CorpusFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "corpus"), "*.http").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public const string CorpusAccessKey = "AKIAEXAMPLECORPUS";
    public const string CorpusSecret = "secretEXAMPLEcorpus0123456789";
}
