using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FastS3.Common.IO;

/// <summary>
/// Gives a file real blocks ahead of use, so a full disk is an ENOSPC at a moment of the caller's
/// choosing instead of a SIGBUS on a mapped page (WAL segments) or a failed write-back deep inside
/// a change that has already been logged (index pages). fallocate(2) mode 0; filesystems without
/// it get the blocks by writing zeros. Failures are <see cref="IOException"/>s whose HResult is the errno.
/// </summary>
public static partial class FileAllocation
{
    /// <summary>ENOSPC on Linux: what a full disk answers.</summary>
    public const int NoSpaceErrno = 28;

    private const int EOPNOTSUPP = 95; // Linux: the filesystem cannot fallocate
    private const int ZeroFillChunkBytes = 1 << 20;

    /// <summary>Allocates every block of [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="lengthBytes"/>) and extends the size to cover it.</summary>
    public static void Allocate(SafeFileHandle handle, long offset, long lengthBytes)
    {
        if (OperatingSystem.IsLinux())
        {
            if (Fallocate((int)handle.DangerousGetHandle(), 0, offset, lengthBytes) == 0)
            {
                return;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != EOPNOTSUPP)
            {
                throw new IOException($"fallocate failed: errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})", errno);
            }
        }

        WriteZeros(handle, Math.Max(offset, RandomAccess.GetLength(handle)), offset + lengthBytes);
    }

    /// <summary>Writes zeros over [<paramref name="from"/>, <paramref name="to"/>), in 1 MiB steps.</summary>
    public static void WriteZeros(SafeFileHandle handle, long from, long to)
    {
        var zeros = new byte[(int)Math.Min(ZeroFillChunkBytes, Math.Max(to - from, 1))];
        for (var at = from; at < to; at += zeros.Length)
        {
            RandomAccess.Write(handle, zeros.AsSpan(0, (int)Math.Min(zeros.Length, to - at)), at);
        }
    }

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(int fd, int mode, long offset, long lengthBytes);
}
