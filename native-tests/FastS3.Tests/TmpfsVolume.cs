using System.Runtime.InteropServices;

namespace FastS3.Tests;

/// <summary>
/// A small tmpfs mounted on a fresh temporary directory: a real volume that really fills up.
/// Mounting needs root (CAP_SYS_ADMIN) on Linux; <see cref="ProbeUnavailableReason"/> says why it
/// cannot be done here, so a test that needs one reports itself skipped with that reason.
/// </summary>
internal sealed partial class TmpfsVolume : IDisposable
{
    private const int MntDetach = 2; // MNT_DETACH: unmount even if a file is still open

    private TmpfsVolume(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="sizeBytes"/> on a new directory.</summary>
    public static TmpfsVolume Mount(long sizeBytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fasts3-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        if (MountTmpfs("tmpfs", path, "tmpfs", 0, $"size={sizeBytes},mode=0700") != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Directory.Delete(path);
            throw new IOException($"mount -t tmpfs on {path} failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})");
        }

        return new TmpfsVolume(path);
    }

    /// <summary>Null when a tmpfs can be mounted here (tried once, on a 1 MiB volume); else why not.</summary>
    public static string? ProbeUnavailableReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "mounting a tmpfs needs Linux";
        }

        try
        {
            using var probe = Mount(1 << 20);
            return null;
        }
        catch (IOException exception)
        {
            return exception.Message + " (needs root / CAP_SYS_ADMIN)";
        }
    }

    public void Dispose()
    {
        if (Unmount(Path, MntDetach) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"umount {Path} failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})");
        }

        Directory.Delete(Path);
    }

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MountTmpfs(string source, string target, string fileSystemType, ulong flags, string data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Unmount(string target, int flags);
}
