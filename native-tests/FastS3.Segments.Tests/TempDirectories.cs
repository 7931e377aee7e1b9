namespace FastS3.Segments.Tests;

/// <summary>A temp root with N data directories ("d0".."dN-1"), deleted on dispose.</summary>
internal sealed class TempDirectories : IDisposable
{
    public TempDirectories(int count)
    {
        Root = Path.Combine(Path.GetTempPath(), "fasts3-segments-" + Guid.NewGuid().ToString("N"));
        Directories = Enumerable.Range(0, count).Select(i => Path.Combine(Root, "d" + i)).ToArray();
        foreach (var d in Directories)
        {
            Directory.CreateDirectory(d);
        }
    }

    public string Root { get; }

    public string[] Directories { get; }

    public ErasureLayout Layout(int k, int m, int blockSizeBytes = ErasureLayout.DefaultBlockSizeBytes) =>
        new(k, m, Directories, blockSizeBytes);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
