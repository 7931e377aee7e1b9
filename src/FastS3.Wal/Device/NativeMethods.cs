using System.Runtime.InteropServices;

namespace FastS3.Wal.Device;

/// <summary>libc entry points .NET does not expose (msync, fdatasync); directory fsync and fallocate are FastS3.Common.IO.DirectorySync and FileAllocation.</summary>
internal static unsafe partial class NativeMethods
{
    public const int MsSync = 4;      // MS_SYNC on Linux

    [LibraryImport("libc", EntryPoint = "msync", SetLastError = true)]
    public static partial int Msync(void* address, nuint lengthBytes, int flags);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int Fdatasync(int fd);

    [LibraryImport("libc", EntryPoint = "getpagesize")]
    public static partial int GetPageSize();

    /// <summary>An IOException whose HResult is the errno, so ENOSPC can be told apart.</summary>
    public static IOException ErrnoException(string what, int errno) =>
        new($"{what} failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})", errno);
}
