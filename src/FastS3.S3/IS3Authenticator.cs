namespace FastS3.S3;

/// <summary>Decides who sent a request (or refuses it) before any operation runs. Throws
/// <see cref="S3Exception"/> to refuse; on success sets <see cref="S3Request.AccessKey"/> and
/// whatever body verification the signature demands.</summary>
public interface IS3Authenticator
{
    ValueTask AuthenticateAsync(S3Request request);
}
