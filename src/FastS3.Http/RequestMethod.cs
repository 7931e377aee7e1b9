namespace FastS3.Http;

/// <summary>The methods an S3 server meets. Anything else parses as <see cref="Custom"/> and is
/// answered by the application (405/501), not by the parser.</summary>
public enum RequestMethod : byte
{
    Custom = 0,
    Get,
    Put,
    Post,
    Delete,
    Head,
    Options,
    Patch,
}
