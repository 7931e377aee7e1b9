namespace FastS3.LoadGen;

/// <summary>One kind of S3 request the generator times separately.</summary>
public enum OpKind
{
    Get,
    Head,
    Put,
    Delete,
    List,
    MultipartInit,
    MultipartPart,
    MultipartComplete,
}
