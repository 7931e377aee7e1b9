using FastS3.Common.Errors;
using FastS3.Engine.Mutations;

namespace FastS3.Engine;

/// <summary>What a write decided under the commit lock: an error, nothing to log, or one commit record.</summary>
internal readonly record struct Plan(S3ErrorCode Error, string? Message, Mutation? Mutation)
{
    /// <summary>Succeed without a record (e.g. deleting a key that does not exist).</summary>
    public static Plan Nothing => default;

    public static Plan Fail(S3ErrorCode error, string? message = null) => new(error, message, null);

    public static Plan Log(Mutation mutation) => new(S3ErrorCode.None, null, mutation);
}
