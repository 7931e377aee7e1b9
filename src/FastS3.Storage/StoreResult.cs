using FastS3.Common.Errors;

namespace FastS3.Storage;

/// <summary>Expected outcomes are values, not exceptions: a value or the S3 error that explains its absence.</summary>
public readonly record struct StoreResult<T>(T? Value, S3ErrorCode Error, string? Message = null)
{
    public bool IsSuccess => Error == S3ErrorCode.None;

    public static implicit operator StoreResult<T>(T value) => new(value, S3ErrorCode.None);

#pragma warning disable CA1000 // StoreResult<T>.Fail reads better at call sites than a separate factory type.
    public static StoreResult<T> Fail(S3ErrorCode error, string? message = null) => new(default, error, message);
#pragma warning restore CA1000
}
