using System.Runtime.InteropServices;

namespace FastS3.Wal.Device;

/// <summary>libc entry points .NET does not expose (msync, fdatasync, directory fsync).</summary>
internal static unsafe partial class NativeMethods
{
    public const int MsSync = 4;      // MS_SYNC on Linux
    public const int ORdOnly = 0;     // O_RDONLY
    public const int ODirectory = 0x10000; // O_DIRECTORY on Linux x64/arm64

    [LibraryImport("libc", EntryPoint = "msync", SetLastError = true)]
    public static partial int Msync(void* address, nuint lengthBytes, int flags);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int Fdatasync(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "getpagesize")]
    public static partial int GetPageSize();

    /// <summary>fsync of a directory, so a rename or create in it survives power loss.</summary>
    public static void FsyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return; // Windows: NTFS journals metadata; there is no directory handle to flush.
        }

        var fd = Open(directory, ORdOnly | (OperatingSystem.IsLinux() ? ODirectory : 0));
        if (fd < 0)
        {
            throw ErrnoException("open directory", Marshal.GetLastPInvokeError());
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw ErrnoException("fsync directory", Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>An IOException whose HResult is the errno, so ENOSPC can be told apart.</summary>
    public static IOException ErrnoException(string what, int errno) =>
        new($"{what} failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})", errno);
}
