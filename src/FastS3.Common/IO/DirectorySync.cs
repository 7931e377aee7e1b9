using System.Runtime.InteropServices;

namespace FastS3.Common.IO;

/// <summary>fsync of a directory, so a rename or create in it survives a power cut (POSIX leaves that
/// to the directory's own fsync). The last step of every durable file replace: WAL metadata,
/// engine checkpoints, erasure shards.</summary>
public static partial class DirectorySync
{
    private const int ORdOnly = 0;
    private const int ODirectoryLinux = 0x10000;

    public static void Fsync(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return; // Windows: NTFS journals the rename; there is no directory handle to flush.
        }

        var fd = Open(directory, ORdOnly | (OperatingSystem.IsLinux() ? ODirectoryLinux : 0));
        if (fd < 0)
        {
            throw Errno("open directory", Marshal.GetLastPInvokeError());
        }

        try
        {
            if (FsyncNative(fd) != 0)
            {
                throw Errno("fsync directory", Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static IOException Errno(string what, int errno) =>
        new($"{what} failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})", errno);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncNative(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
