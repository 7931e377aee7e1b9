namespace FastS3.LoadGen;

/// <summary>A response as the generator needs it: the status and how many body bytes came back.</summary>
public readonly record struct HttpResult(int Status, long BodyBytes);
