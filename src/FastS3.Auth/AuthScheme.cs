namespace FastS3.Auth;

/// <summary>Which mechanism authenticated (or was attempted on) a request.</summary>
public enum AuthScheme
{
    None = 0,
    Anonymous,
    SigV4Header,
    SigV4Query,
    SigV2Header,
    SigV2Query,
    SimpleHeader,
}
