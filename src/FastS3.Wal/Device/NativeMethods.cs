using System.Runtime.InteropServices;

namespace FastS3.Wal.Device;

/// <summary>libc entry points .NET does not expose (msync, fdatasync, fallocate); directory fsync is FastS3.Common.IO.DirectorySync.</summary>
internal static unsafe partial class NativeMethods
{
    public const int MsSync = 4;      // MS_SYNC on Linux

    [LibraryImport("libc", EntryPoint = "msync", SetLastError = true)]
    public static partial int Msync(void* address, nuint lengthBytes, int flags);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int Fdatasync(int fd);

    public const int EOPNOTSUPP = 95; // Linux: the filesystem cannot fallocate

    /// <summary>fallocate(2); mode 0 allocates every block of the range and extends the file size to cover it.</summary>
    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    public static partial int Fallocate(int fd, int mode, long offset, long lengthBytes);

    [LibraryImport("libc", EntryPoint = "getpagesize")]
    public static partial int GetPageSize();

    /// <summary>An IOException whose HResult is the errno, so ENOSPC can be told apart.</summary>
    public static IOException ErrnoException(string what, int errno) =>
        new($"{what} failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})", errno);
}
