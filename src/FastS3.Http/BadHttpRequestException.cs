using System.Diagnostics.CodeAnalysis;

namespace FastS3.Http;

/// <summary>Thrown (only through <see cref="Throw"/>) when the HTTP byte stream is malformed. The
/// connection answers with <see cref="Status"/> and closes.</summary>
public sealed class BadHttpRequestException : Exception
{
    private BadHttpRequestException(RequestRejectionReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public RequestRejectionReason Reason { get; }

    public int Status => StatusFor(Reason);

    public static int StatusFor(RequestRejectionReason reason) => reason switch
    {
        RequestRejectionReason.RequestLineTooLong => 414,
        RequestRejectionReason.HeadersTooLarge or RequestRejectionReason.TooManyHeaders => 431,
        RequestRejectionReason.UnsupportedHttpVersion => 505,
        RequestRejectionReason.UnsupportedTransferEncoding => 501,
        _ => 400,
    };

    [DoesNotReturn]
    public static void Throw(RequestRejectionReason reason) => throw new BadHttpRequestException(reason, reason.ToString());

    [DoesNotReturn]
    public static void Throw(RequestRejectionReason reason, ReadOnlySpan<byte> detail) =>
        throw new BadHttpRequestException(reason, reason + ": " + Printable(detail));

    /// <summary>Escapes and truncates offending bytes so a message never carries raw control characters.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        const int MaxShown = 64;
        var sb = new System.Text.StringBuilder(Math.Min(bytes.Length, MaxShown) + 8);
        for (var i = 0; i < bytes.Length && i < MaxShown; i++)
        {
            var b = bytes[i];
            if (b is >= 0x20 and < 0x7F)
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append("\\x").Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (bytes.Length > MaxShown)
        {
            sb.Append("...");
        }

        return sb.ToString();
    }
}
